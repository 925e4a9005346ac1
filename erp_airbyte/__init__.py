"""Airbyte glue shared by every ERP connector: CDK start-up, message builders, fast record output,
and the source read pipeline (``erp_airbyte.source``).

Names no ERP and imports no ERP package. This ``__init__`` imports nothing, so ``cdk_startup`` can
run before the CDK is imported.
"""
