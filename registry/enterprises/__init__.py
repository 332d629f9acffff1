"""Enterprises (企业): the kind, its list, its pages and exports."""
