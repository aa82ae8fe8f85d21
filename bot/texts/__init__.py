"""Russian user-facing texts, one module per feature."""
