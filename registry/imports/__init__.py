"""Bulk import from Excel and CSV: templates, validate-all preview, all-or-nothing commit, deduplication."""
