"""`make demo`: the two-minute tour (see demo/__main__.py)."""
