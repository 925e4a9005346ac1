"""The read pipeline shared by every ERP source (see ``pipeline.py``); an ERP supplies a table reader
(``table_reader.TableReader``) per stream. Import the modules themselves; this ``__init__`` imports nothing."""
