"""The REST protocol: routing, request arguments, auth, error bodies (plugged into erp_emulator)."""
