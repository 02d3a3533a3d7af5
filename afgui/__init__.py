"""afgui: Afghanistan's foreign relations through time, from sourced and quoted facts."""

__version__ = "0.1.0"
