"""Profiles and snapshots are written in bulk by the run and lost their create/write
columns and the indexes that other indexes already cover (run_id, company_id) or that
never select (tier, segment); a snapshot's company is now its run's.
Odoo keeps what a model no longer declares: drop it here so the run stops maintaining
it."""

OBSOLETE_INDEXES = (
    "customer_profile__company_id_index",
    "customer_profile__segment_id_index",
    "customer_profile__tier_index",
    "customer_segment_snapshot__company_id_index",
    "customer_segment_snapshot__run_id_index",
)
LOG_COLUMNS = ("create_uid", "create_date", "write_uid", "write_date")


def migrate(cr, version):
    for index in OBSOLETE_INDEXES:
        cr.execute(f'DROP INDEX IF EXISTS "{index}"')  # noqa: SQL001 (constant names)
    for table in ("customer_profile", "customer_segment_snapshot"):
        cr.execute(
            f'ALTER TABLE "{table}" '  # noqa: SQL001
            + ", ".join(f'DROP COLUMN IF EXISTS "{column}"' for column in LOG_COLUMNS)
        )
    cr.execute("ALTER TABLE customer_segment_snapshot DROP COLUMN IF EXISTS company_id")
