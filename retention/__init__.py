"""Retention: how long personal data is kept (`policies/retention.toml`), who is due, and the erasure.

`rules` reads and checks the rules file; `due` finds, by SQL, the workers whose data a day's rules
let go; `erasure` de-identifies them, in batches, each batch one transaction with its ledger entry.
"""
