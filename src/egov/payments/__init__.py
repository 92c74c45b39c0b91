"""Online payment of fees and charges: orders, gateway plugins, reconciliation, receipts."""
