"""The document model: DocType definitions, naming, validation and document operations."""
