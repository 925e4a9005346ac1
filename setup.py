"""One distribution: source-idempiere, destination-idempiere, the shared client and the emulator."""
from setuptools import find_packages, setup

RUNTIME = [
    "airbyte-cdk>=7.39,<8",
    "requests>=2.31,<3",
    "jsonschema>=4.17.3,<5",
    "pendulum>=3.0,<4",
    "PyYAML>=6.0,<7",  # parses /models/{table}/yaml; already a dependency of airbyte-cdk
    "orjson>=3.9,<4",  # imported directly (fast RECORD lines, JSON bodies); airbyte-cdk pins the same major
    "urllib3>=1.26,<3",  # imported directly (retry/timeout exception types); comes with requests
    "xlrd>=2.0.1,<3",  # reads report-type XLS output (BIFF8 in OLE2): the standard pure-Python reader, no dependencies
]

TESTS = [
    "pytest>=8,<10",
    "requests-mock>=1.11,<2",
    "pytest-timeout>=2.2,<3",  # a hung socket must fail one test, not stall CI for 90 minutes
    "ruff>=0.6,<1",  # `make test` lints first (ruff.toml): unused imports, import order, docstrings of erp_*
    "mypy>=1.10,<3",  # `make test` type-checks the shared packages (mypy.ini)
]

BENCH = [
    "matplotlib>=3.8,<4",  # bench/results.png: a ratio-vs-target chart; drawing a PNG by hand is not worth owning
]

DEMO = [
    "airbyte>=0.71,<0.72",  # PyAirbyte: drives both connectors into DuckDB (demo and its test)
]

setup(
    name="airbyte-idempiere",
    version="0.2.0",
    description="Airbyte connectors for the iDempiere and Frappe/ERPNext REST APIs, with faithful local emulators",
    packages=find_packages(include=["erp_http*", "erp_airbyte*", "erp_emulator*", "idempiere_client*", "source_idempiere*",
                                    "destination_idempiere*", "idempiere_emulator*", "frappe_emulator*", "frappe_client*",
                                    "source_frappe*", "destination_frappe*"]),
    package_data={"source_idempiere": ["*.json", "*.yaml"], "destination_idempiere": ["*.json", "*.yaml"],
                  "source_frappe": ["*.yaml"], "destination_frappe": ["*.yaml"]},
    python_requires=">=3.10,<3.13",
    install_requires=RUNTIME,
    extras_require={"tests": TESTS + DEMO + BENCH, "demo": DEMO, "bench": BENCH},  # tests draw the plot once
    entry_points={
        "console_scripts": [
            "source-idempiere=source_idempiere.run:run",
            "destination-idempiere=destination_idempiere.run:run",
            "idempiere-emulator=idempiere_emulator.__main__:main",
            "frappe-emulator=frappe_emulator.__main__:main",
            "source-frappe=source_frappe.run:run",
            "destination-frappe=destination_frappe.run:run",
        ]
    },
)
