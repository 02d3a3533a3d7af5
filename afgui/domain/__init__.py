"""Pure domain: vocabularies and frozen value types. No I/O, no Qt, no SQL."""
