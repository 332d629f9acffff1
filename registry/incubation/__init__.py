"""Incubators (孵化载体) and their tenants (入孵): kinds, the tenant registration flow, pages."""
