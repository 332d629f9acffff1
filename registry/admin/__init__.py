"""Administration pages: user accounts (roles, incubators managed, one-time passwords)."""
