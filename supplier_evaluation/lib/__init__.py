"""Pure-numpy logic of the supplier evaluation (no Odoo imports)."""
from . import kraljic, metrics, periods, scoring, trend
