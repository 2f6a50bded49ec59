"""Sign-in: login throttling and lockout (django-axes), session limits, expiring API tokens, and
the login events it writes to the audit log. Sits just above `audit`; imports no domain app."""
