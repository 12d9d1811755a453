"""Tests for every case of SECURITY.md, grouped by its sections (see CASES.md)."""
