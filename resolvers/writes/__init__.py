"""Writes, one module per record. Each runs inside the request's scoped session, so a row outside
the caller's jurisdiction cannot be found, and each new row is checked to fall inside it."""
