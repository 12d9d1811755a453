"""Importing the staff list from HR's spreadsheet: read, check every row, preview the changes, apply them all or none.

`preview.build_plan` reads and checks a file and says what would change; `apply.apply_import` writes that
plan in one transaction. The web pages live in `routes`, the `flask staff import` command in `cli`.
"""
