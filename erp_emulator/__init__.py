"""Shared ground of every ERP emulator (names no ERP, imports no ERP package and no client). Draft; see below."""
