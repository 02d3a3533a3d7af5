"""How the repository packs fact columns into integers for the per-partner index.

Kept apart from :mod:`afgui.data.repository` (which imports SQLAlchemy) so that the index
and the measures can read stored columns at start without importing it.
"""

from __future__ import annotations

#: Stands for an unknown year (or an open end) in the index columns: larger than any
#: year, so undated facts sort last, as in ``FactDate.sort_key``.
NO_YEAR = 32_767

#: Packing of :class:`afgui.data.repository.FactOrderBatch` columns (one integer instead
#: of several per fact).
TIME_BASE = 10_000
CODE_SIDE_BASE = 10_000
CODE_KIND_BASE = 100
CODE_TONE_OFFSET = 50
