"""Users, roles, permissions, sessions and the ways a request authenticates (spec §2)."""
