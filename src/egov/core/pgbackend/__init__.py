"""The PostgreSQL database backend: Django's, with a cheaper connection health check and
cursors with server-side binding (see ``base.py``). Selected in settings for every
``postgres://`` ``DATABASE_URL``."""
