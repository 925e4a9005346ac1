"""The list engine: filters, fields, order_by and paging (spec §4.1, Part II §4)."""
