"""destination-frappe: reverse ETL into Frappe Framework / ERPNext sites."""
