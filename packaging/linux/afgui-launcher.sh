#!/bin/sh
# afgui lives in /opt/afgui: a frozen program with its own Python and Qt (see
# /usr/share/doc/afgui/copyright). A wrapper, not a symlink, so the program always finds
# its _internal folder beside it.
exec /opt/afgui/afgui "$@"
