"""Version 1 of the REST API: one module per platform module."""
