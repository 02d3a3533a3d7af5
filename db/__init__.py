"""The curated sources (YAML), shipped inside afgui as the package ``afgui.curated``."""
