"""Provider adapters: in-process operations of local modules (``OPERATIONS``) and the HTTP client
for remote members (``remote``)."""
