"""Events: the outbox written with each change, and each office's feed of the events it may read."""
