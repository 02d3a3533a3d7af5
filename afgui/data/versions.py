"""What names an afgui database and its schema version, without importing SQLAlchemy.

Kept apart from :mod:`afgui.data.schema` so that a start that opens a database it has
verified before (:mod:`afgui.services.quick_start`) can name its file before SQLAlchemy
is imported.
"""

from __future__ import annotations

# Raise on any change to the tables of afgui.data.schema; a database of another version
# is rebuilt (when it is afgui's own default) or refused with a clear message.
SCHEMA_VERSION = 2
APPLICATION_ID = "afgui"
