"""Entry script of the frozen afgui (PyInstaller): the same as the ``afgui`` command."""

from afgui.app import main

raise SystemExit(main())
