"""Curation: load, validate and compile the curated sources under db/ into the database."""
