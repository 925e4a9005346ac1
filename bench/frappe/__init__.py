"""Frappe measurements of issue 15 (bench/README.md): source-frappe vs the tap-erpnext peer, floor, discovery, destination, memory."""
