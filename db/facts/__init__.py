"""Curated facts, one YAML file per source document."""
