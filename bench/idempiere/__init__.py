"""The iDempiere benchmarks: its emulator as a child, its connectors' command lines, its measurements."""
