"""Certifications (资质认定) and certification kinds: records, status actions, renewal list, pages."""
