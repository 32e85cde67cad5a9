"""Spreadsheet imports: district and labour offices key in their Excel lists of workers at once."""
