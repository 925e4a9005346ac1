"""Frappe measurements of issue 15 (bench/README.md): source-frappe vs tap-erpnext, floor, discovery, destination."""
