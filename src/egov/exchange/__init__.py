"""Data sharing platform between agencies (Decree 47/2020): services, grants, gateway, log."""
