"""Names of the demo site's master data, shared by the seed modules."""
from __future__ import annotations

COMPANY, ABBR = "Demo Company", "DC"
GROUPS = ("Commercial", "Individual", "Government", "Non Profit")
TERRITORIES = ("United States", "India", "Rest Of The World")
ITEM_GROUPS = ("Products", "Services", "Raw Material")
UOMS = ("Nos", "Kg", "Hour", "Box")
