"""Services: what the UI and CLI ask of the data, answered as frozen dataclasses."""
