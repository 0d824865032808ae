"""The run's notes (first run, tiers on revenue, lifetime value, holdout, clusters)
and its clusters table were stored as text in the language of the run; they are now
codes and numbers worded in the reader's language. Earlier runs keep their texts as
they were written."""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    cr.execute(
        """
        UPDATE customer_segmentation_run
           SET prediction_notes = jsonb_build_object('legacy', jsonb_strip_nulls(
                   jsonb_build_object('clv', clv_note, 'holdout', holdout_report,
                                      'clusters', cluster_note)))
         WHERE prediction_notes IS NULL
           AND (clv_note IS NOT NULL OR holdout_report IS NOT NULL
                OR cluster_note IS NOT NULL)
        """
    )
    cr.execute(
        """
        UPDATE customer_segmentation_run
           SET run_notes = jsonb_build_object('legacy', note)
         WHERE run_notes IS NULL AND note IS NOT NULL
        """
    )
    if column_exists(cr, "customer_segmentation_run", "cluster_report"):
        cr.execute(
            """
            UPDATE customer_segmentation_run
               SET cluster_table = jsonb_build_object('legacy', cluster_report)
             WHERE cluster_table IS NULL AND cluster_report IS NOT NULL
            """
        )
