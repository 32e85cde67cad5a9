"""The disclosure ledger: recording who received which personal data, and proving it was not altered."""
