"""The iDempiere demo (``python -m demo``): its connectors under PyAirbyte, its steps and its summary."""
