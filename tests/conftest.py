"""Repository-level tests: they need no Odoo and no database.

Each addon's ``lib`` package is loaded by file path, under the name
``<addon>_lib``, so its relative imports work without importing ``odoo``.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ("supplier_evaluation", "customer_segmentation")
# Optional bridges between an addon and one of Odoo's apps (auto_install).
BRIDGES = (
    "supplier_evaluation_requisition",
    "customer_segmentation_mass_mailing",
    "customer_segmentation_crm",
    "customer_segmentation_survey",
    "supplier_evaluation_queue",
    "customer_segmentation_queue",
)
# Addons the bridges depend on that are neither Odoo's nor this repository's (OCA):
# their groups are checked against tests/odoo_groups.txt only.
EXTERNAL_ADDONS = ("queue_job",)


def load_lib(addon):
    """Import ``<addon>/lib`` as the package ``<addon>_lib`` and return it."""
    name = f"{addon}_lib"
    if name in sys.modules:
        return sys.modules[name]
    lib_dir = ROOT / addon / "lib"
    spec = importlib.util.spec_from_file_location(
        name, lib_dir / "__init__.py", submodule_search_locations=[str(lib_dir)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_lib_module(addon, module):
    """Import one module of an addon's ``lib`` package, e.g. ``scoring``."""
    load_lib(addon)
    return importlib.import_module(f"{addon}_lib.{module}")


@pytest.fixture(scope="session")
def se_lib():
    return load_lib("supplier_evaluation")


@pytest.fixture(scope="session")
def cs_lib():
    return load_lib("customer_segmentation")
