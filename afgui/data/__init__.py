"""Persistence: the SQLAlchemy schema, engine set-up and read access that returns domain values."""
