"""egov: an open-source national e-Government platform."""
