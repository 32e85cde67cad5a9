"""Fetching and writing rows. Resolvers never decide access: the session carries the row scope."""
