"""Pure-numpy logic of the supplier evaluation (no Odoo imports)."""

from . import cluster, kraljic, metrics, periods, scoring, trend
