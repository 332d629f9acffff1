"""JSON API v1 (DESIGN.md §5): the same services as the HTML faces, with token or session auth."""
