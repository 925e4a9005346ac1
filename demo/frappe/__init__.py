"""The Frappe/ERPNext demo steps (frappe_emulator child process, source-frappe, destination-frappe)."""
