"""Exports for the offices: what an office may read, as a spreadsheet."""
