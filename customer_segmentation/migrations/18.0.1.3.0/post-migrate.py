"""The days to pay are no longer stored (those of an overdue invoice grew every night,
and rewrote its customer's profile): the profile stores their sum as of day 0 and the
number of overdue invoices (engine._payments, lib/engine.payment_days). Until the next
run computes them, each profile keeps the figure it had: its sum, with no invoice
counted as overdue. The old column is then dropped."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not column_exists(cr, "customer_profile", "payment_days"):
        return
    cr.execute(
        """
        UPDATE customer_profile
           SET payment_day_sum = payment_days * invoice_count, overdue_count = 0
         WHERE payment_days IS NOT NULL AND invoice_count > 0
        """
    )
    cr.execute("ALTER TABLE customer_profile DROP COLUMN payment_days")
