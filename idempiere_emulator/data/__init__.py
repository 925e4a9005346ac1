"""What is stored: iDempiere's SQLite schema and id sequence (``store``), the seeded GardenWorld data
(``dataset``, ``dataset_docs``) and tables loaded from a ``--dictionary`` file (``dictionary``)."""
