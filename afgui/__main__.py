"""``python -m afgui``: the same as the ``afgui`` command."""

from afgui.app import main

raise SystemExit(main())
