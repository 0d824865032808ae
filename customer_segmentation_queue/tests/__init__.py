from odoo.tests import common

# queue_job's test helpers (tests/common.py) extend SETATTR_SOURCES, which later Odoo
# 18.0 releases define to check monkey-patching in tests; an Odoo 18.0 without it has
# no such check, so an empty table is all those helpers need.
if not hasattr(common, "SETATTR_SOURCES"):
    common.SETATTR_SOURCES = {}

from . import test_nightly_jobs  # noqa: E402
