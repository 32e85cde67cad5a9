"""The application service: the running registry (wiring database, policy, schemas, tokens, the
ledger and the planner), the one transaction every read, write, file and report runs in, and the
metrics wiring. Below the HTTP door and the command line; above the planner and the schema.
"""
