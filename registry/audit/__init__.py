"""The audit views: admins browse, filter and export the change log (records and security events)."""
