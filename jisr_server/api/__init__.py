"""HTTP endpoints of the protocol, one module per area."""
