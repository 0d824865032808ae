"""Pure-numpy logic of the supplier evaluation (no Odoo imports)."""
from . import scoring, metrics, kraljic, trend
