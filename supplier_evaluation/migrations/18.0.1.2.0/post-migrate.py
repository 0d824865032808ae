"""Companies other than the main one had no evaluation templates, alert rules or
purchase policies: they get the shipped ones."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._supplier_evaluation_setup_all()
