"""Access control: the Casbin policy, the one decision point, row scopes as SQL, tokens."""
