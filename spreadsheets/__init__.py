"""Spreadsheet cells as we write and read them: text is always a text cell, never a formula. Shared by
the exports, the import template and marked workbooks, and the yearly report's workbook."""
