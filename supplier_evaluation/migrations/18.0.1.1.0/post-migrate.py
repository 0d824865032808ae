"""Trend warnings and cluster explanations were stored as text in the language of the
run; they are now codes and numbers worded in the reader's language. Rebuild them for
the cards scored before."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["supplier.scorecard"]._rebuild_analysis()
