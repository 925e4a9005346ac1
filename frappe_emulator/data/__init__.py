"""Deterministic seed data of the demo site."""
