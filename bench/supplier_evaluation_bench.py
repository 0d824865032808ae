"""Benchmark of supplier_evaluation's engine; run by bench/supplier_evaluation.sh.

Two phases, each in its own process so the peak memory of ``measure`` is the
evaluation's:

``generate``  fills a scratch database (supplier_evaluation installed, no demo data)
              with a synthetic purchase history in set-based SQL only (INSERT ... SELECT
              generate_series): suppliers, products, vendor prices, confirmed and
              cancelled purchase orders and lines, receipt moves (late, partial,
              duplicated, open), backorders, returns, buyer ratings; then ANALYZE.
``measure``   loads the ORM and times a bare SQL scan of one month, the evaluation of
              that month (insert, then update), a back-fill of every month, and the
              Kraljic suggestions; prints a table and writes JSON.

Sizes come from BENCH_SUPPLIERS, BENCH_PRODUCTS, BENCH_LINES, BENCH_MONTHS (and
BENCH_SEED). Only the database given on the command line (a local throwaway cluster) is
ever contacted.
"""

import cProfile
import json
import os
import statistics
import subprocess
import sys
import time

from common import (
    QueryLog,
    bare_scan,
    env_int,
    generate_database,
    generated,
    load_average,
    load_registry,
    main,
    memory_figures,
    peak_kib,
    print_table,
    print_targets,
    ratio,
    rss_kib,
    run_facts,
    scan_figures,
    write_json,
    write_profile,
)
from dateutil.relativedelta import relativedelta

TARGET_RATIO = 1.2  # one month at most 1.2x the bare scan ...
TARGET_MONTH_S = 30.0  # ... and under 30 s
TARGET_BACKFILL_S = 180.0  # every month in under 3 minutes
TARGET_PEAK_KIB = 1024 * 1024  # peak RSS under 1 GiB
TARGET_BACKFILL_RATIO = 2.0  # 12 months at most 2x the bare scan of those months
TARGET_CORE_FACTOR = 10.0  # ... and 10x faster than core's on_time_rate over a year


def sizes():
    return {
        "suppliers": env_int("BENCH_SUPPLIERS", 5000),
        "products": env_int("BENCH_PRODUCTS", 20000),
        "lines": env_int("BENCH_LINES", 1000000),
        "months": env_int("BENCH_MONTHS", 24),
        "seed": float(os.environ.get("BENCH_SEED", "0.42")),
    }


# ============================================================================= generate
# Every statement below is set-based. Temporary tables (bench_*) hold the random draws
# so each one is made once; real tables are filled from them with explicit ids
# (sequences are moved past them at the end). Datetimes are naive UTC, like Odoo's.
GENERATE = [
    (
        "settings",
        """
        SELECT setseed(%(seed)s);
        SET LOCAL work_mem = '256MB';
        SET LOCAL maintenance_work_mem = '512MB';
        -- bulk load: no foreign-key triggers (the data is consistent by construction
        -- and checked at the end), and the secondary indexes of the big tables are
        -- rebuilt once at the end
        SET LOCAL session_replication_role = replica;
        CREATE TEMP TABLE bench_index ON COMMIT DROP AS
        SELECT c.relname AS index_name, pg_get_indexdef(i.indexrelid) AS definition
          FROM pg_index i
          JOIN pg_class c ON c.oid = i.indexrelid
          JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relname IN ('purchase_order', 'purchase_order_line', 'stock_move',
             'product_supplierinfo')
           AND t.relnamespace = 'public'::regnamespace
           AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid);
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT index_name FROM bench_index LOOP
                EXECUTE format('DROP INDEX %%I', r.index_name);
            END LOOP;
        END $$;
        CREATE TEMP TABLE bench_ctx ON COMMIT DROP AS
        SELECT (SELECT res_id FROM ir_model_data WHERE module = 'base'
            AND name = 'main_company') AS company,
               (SELECT res_id FROM ir_model_data WHERE module = 'stock'
                   AND name = 'stock_location_suppliers') AS supplier_loc,
               (SELECT res_id FROM ir_model_data WHERE module = 'uom'
                   AND name = 'product_uom_unit') AS uom,
               (SELECT res_id FROM ir_model_data WHERE module = 'product'
                   AND name = 'product_category_all') AS categ,
               (SELECT res_id FROM ir_model_data WHERE module = 'base'
                   AND name = 'user_admin') AS buyer,
               (now() AT TIME ZONE 'UTC')::timestamp AS now_utc,
               date_trunc('month', now() AT TIME ZONE 'UTC')::timestamp AS t1,
               date_trunc('month', now() AT TIME ZONE 'UTC')::timestamp -
                   make_interval(months => %(months)s) AS t0,
               (SELECT COALESCE(MAX(id), 0) FROM res_partner) AS partner_base,
               (SELECT COALESCE(MAX(id), 0) FROM product_template) AS tmpl_base,
               (SELECT COALESCE(MAX(id), 0) FROM product_product) AS product_base,
               (SELECT COALESCE(MAX(id), 0) FROM product_supplierinfo)
                   AS supplierinfo_base,
               (SELECT COALESCE(MAX(id), 0) FROM purchase_order) AS order_base,
               (SELECT COALESCE(MAX(id), 0) FROM purchase_order_line) AS line_base,
               (SELECT COALESCE(MAX(id), 0) FROM stock_move) AS move_base,
               (SELECT COALESCE(MAX(id), 0) FROM supplier_rating) AS rating_base;
        ALTER TABLE bench_ctx ADD COLUMN currency int, ADD COLUMN stock_loc int,
                              ADD COLUMN warehouse int, ADD COLUMN picking_type int;
        UPDATE bench_ctx x SET currency = c.currency_id FROM res_company c
            WHERE c.id = x.company;
        UPDATE bench_ctx x SET warehouse = w.id, stock_loc = w.lot_stock_id,
            picking_type = w.in_type_id
          FROM (SELECT * FROM stock_warehouse ORDER BY id LIMIT 1) w
              WHERE w.company_id = x.company;
    """,
    ),
    (
        "suppliers",
        """
        -- vendor behaviour: promised lead time, lateness, spread, price level, returns,
        -- partials
        CREATE TEMP TABLE bench_vendor ON COMMIT DROP AS
        SELECT g AS k, x.partner_base + g AS id,
               3 + floor(random() * 28)::int AS delay,
               0.02 + 0.40 * power(random(), 2) AS late_p,
               0.70 + 0.25 * random() AS ratio,
               0.3 + 2.0 * random() AS sd,
               0.85 + 0.30 * random() AS price_f,
               0.004 + 0.064 * power(random(), 3) AS return_p,
               0.01 + 0.08 * random() AS partial_p
          FROM bench_ctx x, generate_series(1, %(suppliers)s) g;
        INSERT INTO res_partner
            (id, name, complete_name, type, is_company, active, commercial_partner_id,
                                 company_id, lang, supplier_rank, customer_rank,
                                     partner_share, employee,
                                 autopost_bills, email, ref, invoice_warn,
                                     purchase_warn, picking_warn,
                                 create_uid, write_uid, create_date, write_date)
        SELECT v.id, 'Bench Supplier ' || lpad(v.k::text, 6, '0'),
            'Bench Supplier ' || lpad(v.k::text, 6, '0'),
               'contact', true, true, v.id, NULL, 'en_US', 1, 0, true, false,
               'ask', 'supplier' || v.k || '@bench.example.com', 'BS' || v.k,
                   'no-message', 'no-message', 'no-message',
               1, 1, x.now_utc, x.now_utc
          FROM bench_vendor v, bench_ctx x;
    """,
    ),
    (
        "products",
        """
        CREATE TEMP TABLE bench_product ON COMMIT DROP AS
        SELECT g AS k, x.tmpl_base + g AS tmpl_id, x.product_base + g AS id,
               round((1 + 500 * power(random(), 2))::numeric, 2) AS base_price,
               CASE WHEN random() < 0.15 THEN 1 WHEN random() < 0.6 THEN 2 ELSE 3 END
                   AS n_vendors
          FROM bench_ctx x, generate_series(1, %(products)s) g;
        INSERT INTO product_template
            (id, name, default_code, type, is_storable, categ_id, uom_id, uom_po_id,
                                      service_tracking, tracking, purchase_line_warn,
                                          purchase_method,
                                      sale_ok, purchase_ok, active, list_price,
                                          sequence, sale_delay,
                                      has_configurable_attributes, is_favorite,
                                          lot_valuated,
                                      create_uid, write_uid, create_date, write_date)
        SELECT p.tmpl_id, jsonb_build_object('en_US',
            'Bench Product ' || lpad(p.k::text, 6, '0')),
               'BP' || lpad(p.k::text, 6, '0'), 'consu', true, x.categ, x.uom, x.uom,
               'no', 'none', 'no-message', 'receive', true, true, true,
                   round(p.base_price * 1.4, 2), 1, 0,
               false, false, false, 1, 1, x.now_utc, x.now_utc
          FROM bench_product p, bench_ctx x;
        INSERT INTO product_product
            (id, product_tmpl_id, default_code, combination_indices, active,
                                     standard_price, create_uid, write_uid, create_date,
                                         write_date)
        SELECT p.id, p.tmpl_id, 'BP' || lpad(p.k::text, 6, '0'), '', true,
               jsonb_build_object(x.company::text, p.base_price), 1, 1, x.now_utc,
                   x.now_utc
          FROM bench_product p, bench_ctx x;
    """,
    ),
    (
        "vendor prices",
        """
        -- slot 1 goes round robin so every supplier sells something; the others favour
        -- big vendors
        CREATE TEMP TABLE bench_supplierinfo ON COMMIT DROP AS
        SELECT DISTINCT ON (product_k, vendor_k) product_k, vendor_k
          FROM (SELECT p.k AS product_k,
                       CASE WHEN s = 1 THEN (p.k - 1) %% %(suppliers)s + 1
                            ELSE 1 + floor(%(suppliers)s * power(random(), 1.5))::int
                                END AS vendor_k
                  FROM bench_product p, generate_series(1, 3) s
                 WHERE s <= p.n_vendors) d;
        ALTER TABLE bench_supplierinfo ADD COLUMN price numeric, ADD COLUMN delay int,
            ADD COLUMN rn int,
                                       ADD COLUMN id int;
        UPDATE bench_supplierinfo si
           SET price = round((p.base_price::float8 * v.price_f * (0.95 + 0.10 *
               random()))::numeric, 2), delay = v.delay
          FROM bench_product p,
              bench_vendor v WHERE p.k = si.product_k AND v.k = si.vendor_k;
        UPDATE bench_supplierinfo si SET rn = r.rn, id = x.supplierinfo_base + r.n
          FROM (SELECT product_k, vendor_k,
                       ROW_NUMBER() OVER (PARTITION BY vendor_k ORDER BY product_k)
                           AS rn,
                       ROW_NUMBER() OVER (ORDER BY product_k, vendor_k) AS n
                  FROM bench_supplierinfo) r, bench_ctx x
         WHERE r.product_k = si.product_k AND r.vendor_k = si.vendor_k;
        CREATE INDEX ON bench_supplierinfo (vendor_k, rn);
        ANALYZE bench_supplierinfo;
        INSERT INTO product_supplierinfo
            (id, partner_id, product_tmpl_id, company_id, currency_id, delay,
                                          min_qty, price, discount, sequence,
                                          create_uid, write_uid, create_date,
                                              write_date)
        SELECT si.id, v.id, p.tmpl_id, x.company, x.currency, si.delay, 0, si.price, 0,
            1,
               1, 1, x.now_utc, x.now_utc
          FROM bench_supplierinfo si
          JOIN bench_vendor v ON v.k = si.vendor_k
          JOIN bench_product p ON p.k = si.product_k, bench_ctx x;
        -- vendors that have products, ranked: order volume follows a skewed
        -- (Pareto-like) law
        CREATE TEMP TABLE bench_seller ON COMMIT DROP AS
        SELECT ROW_NUMBER() OVER (ORDER BY vendor_k) AS rank, vendor_k,
            COUNT(*) AS n_products
          FROM bench_supplierinfo GROUP BY vendor_k;
    """,
    ),
    (
        "orders",
        """
        -- orders are drawn, cut at exactly %(lines)s lines, then numbered by approval
        -- date so that ids follow time as in a real database (a month's lines sit
        -- together on disk)
        CREATE TEMP TABLE bench_order ON COMMIT DROP AS
        WITH drawn AS (
            SELECT d.g, s.vendor_k, d.n_lines, d.cancelled, d.date_approve,
                   SUM(d.n_lines) OVER (ORDER BY d.g) - d.n_lines AS start
              FROM (SELECT g, 1 + floor(c.sellers * power(random(),
                  2))::int AS vendor_rank,
                           1 + floor(random() * 19)::int AS n_lines,
                           random() < 0.01 AS cancelled,
                           x.t0 + random() * (x.t1 - x.t0) AS date_approve
                      FROM generate_series(1, ceil(%(lines)s / 10.0 * 1.2)::int + 10) g,
                          bench_ctx x,
                           (SELECT COUNT(*) AS sellers FROM bench_seller) c) d
              JOIN bench_seller s ON s.rank = d.vendor_rank
        ), kept AS (
            SELECT ROW_NUMBER() OVER (ORDER BY date_approve, g) AS o, vendor_k,
                   least(n_lines, %(lines)s - start)::int AS n_lines, cancelled,
                       date_approve
              FROM drawn WHERE start < %(lines)s
        )
        SELECT o, vendor_k, n_lines, cancelled, date_approve,
               date_approve - random() * interval '3 days' AS date_order,
               SUM(n_lines) OVER (ORDER BY o) - n_lines AS first_line
          FROM kept;
        ALTER TABLE bench_order ADD PRIMARY KEY (o);
        ANALYZE bench_order;
    """,
    ),
    (
        "order lines",
        """
        -- one row per line with every random draw it needs (lead time, lateness,
        -- partial, return, copy)
        CREATE TEMP TABLE bench_line ON COMMIT DROP AS
        SELECT o.first_line + g AS n, o.o, o.vendor_k, o.cancelled, o.date_approve,
               1 + floor(random() * s.n_products)::int AS pick,
               greatest(1, round(exp(random() * 4.6)))::numeric AS qty,
               0.97 + 0.06 * random() AS price_noise,
               sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z,
               random() AS r_late, random() AS r_late_days, random() AS r_error,
               random() AS r_partial, random() AS r_partial_qty,
                   random() AS r_backorder, random() AS r_bo_days,
               random() AS r_return, random() AS r_return_qty,
                   random() AS r_return_days, random() AS r_copy
          FROM bench_order o
          JOIN bench_seller s ON s.vendor_k = o.vendor_k,
               generate_series(1, o.n_lines) g
         WHERE o.first_line + g <= %(lines)s;
        CREATE TEMP TABLE bench_line2 ON COMMIT DROP AS
        SELECT l.n, x.line_base + l.n AS id, x.order_base + l.o AS order_id,
            v.id AS partner_id,
               p.id AS product_id, p.k AS product_k, l.qty, l.cancelled, l.date_approve,
               round(si.price * l.price_noise::numeric, 2) AS price_unit,
               l.date_approve + si.delay * interval '1 day' AS date_planned,
               -- actual lead time: vendor bias and spread, some late, a few data errors
               l.date_approve + interval '1 day' * (
                   greatest(0.1, si.delay * v.ratio + v.sd * l.z)
                   + CASE WHEN l.r_late < v.late_p THEN 1 + 12 * l.r_late_days
                       ELSE 0 END
                   + CASE WHEN l.r_error < 0.0003 THEN 100 + 150 * l.r_late_days
                          WHEN l.r_error < 0.0005 THEN -(1 + 5 * l.r_late_days)
                              ELSE 0 END
               ) AS receipt_date,
               l.qty >= 2 AND l.r_partial < v.partial_p AS partial,
               greatest(1, floor(l.qty * (0.4 + 0.55 * l.r_partial_qty)))
                   AS partial_qty,
               l.r_backorder < 0.5 AS backorder_done,
                   2 + 18 * l.r_bo_days AS backorder_days,
               l.r_return < v.return_p AS returned, l.r_return_qty AS return_share,
               1 + 9 * l.r_return_days AS return_days,
               l.r_copy < 0.001 AS duplicated
          FROM bench_line l
          JOIN bench_vendor v ON v.k = l.vendor_k
          JOIN bench_supplierinfo si ON si.vendor_k = l.vendor_k AND si.rn = l.pick
          JOIN bench_product p ON p.k = si.product_k, bench_ctx x;
        DROP TABLE bench_line;
        ALTER TABLE bench_line2 ADD COLUMN received numeric,
            ADD COLUMN receipt_done bool,
                                ADD COLUMN backorder_date timestamp,
                                    ADD COLUMN return_date timestamp,
                                ADD COLUMN return_qty numeric;
        UPDATE bench_line2 l SET
               receipt_done = NOT l.cancelled AND l.receipt_date <= x.now_utc,
               received = CASE WHEN l.partial THEN least(l.partial_qty, l.qty - 1)
                   ELSE l.qty END,
               backorder_date = l.receipt_date + l.backorder_days * interval '1 day',
               return_date = l.receipt_date + l.return_days * interval '1 day'
          FROM bench_ctx x;
        UPDATE bench_line2 SET return_qty = greatest(1, ceil(received * return_share));
        ANALYZE bench_line2;
    """,
    ),
    (
        "purchase orders",
        """
        INSERT INTO purchase_order
            (id, name, partner_id, company_id, currency_id, currency_rate, state,
                                    date_order, date_approve, date_planned,
                                        picking_type_id, user_id,
                                    priority, invoice_status, receipt_status,
                                        amount_untaxed, amount_tax,
                                    amount_total, amount_total_cc, invoice_count,
                                    create_uid, write_uid, create_date, write_date)
        SELECT x.order_base + o.o, 'BENCH/P' || lpad(o.o::text, 7, '0'), v.id,
            x.company, x.currency, 1,
               CASE WHEN o.cancelled THEN 'cancel' ELSE 'purchase' END,
               o.date_order, CASE WHEN o.cancelled THEN NULL ELSE o.date_approve END,
               o.date_approve + v.delay * interval '1 day', x.picking_type, x.buyer,
               '0', 'no', CASE WHEN o.cancelled THEN NULL ELSE 'full' END,
               COALESCE(t.amount, 0), 0, COALESCE(t.amount, 0), COALESCE(t.amount, 0),
                   0,
               x.buyer, x.buyer, o.date_order, o.date_approve
          FROM bench_order o
          JOIN bench_vendor v ON v.k = o.vendor_k
          LEFT JOIN (SELECT order_id,
              SUM(qty * price_unit) AS amount FROM bench_line2 GROUP BY order_id) t
                 ON t.order_id = (SELECT order_base FROM bench_ctx) + o.o,
               bench_ctx x;
    """,
    ),
    (
        "purchase order lines",
        """
        INSERT INTO purchase_order_line
            (id, order_id, sequence, name, product_id, product_uom, product_qty,
                                         product_uom_qty, price_unit, discount,
                                             price_subtotal, price_tax,
                                         price_total, qty_received, qty_received_method,
                                             qty_invoiced,
                                         qty_to_invoice, date_planned, company_id,
                                             partner_id, currency_id,
                                         state, display_type, is_downpayment,
                                         create_uid, write_uid, create_date, write_date)
        SELECT l.id, l.order_id, 10,
            '[BP' || lpad(l.product_k::text, 6, '0') || '] Bench Product '
                                      || lpad(l.product_k::text, 6, '0'),
               l.product_id, x.uom, l.qty, l.qty, l.price_unit, 0, l.qty * l.price_unit,
                   0, l.qty * l.price_unit,
               CASE WHEN NOT l.receipt_done THEN 0
                    ELSE l.received
                         + CASE WHEN l.partial AND l.backorder_done
                             AND l.backorder_date <= x.now_utc
                                THEN l.qty - l.received ELSE 0 END
                         - CASE WHEN l.returned AND l.return_date <= x.now_utc
                             THEN l.return_qty ELSE 0 END END,
               'stock_moves', 0, 0, l.date_planned, x.company, l.partner_id, x.currency,
               CASE WHEN l.cancelled THEN 'cancel' ELSE 'purchase' END, NULL, false,
               x.buyer, x.buyer, l.date_approve, l.date_approve
          FROM bench_line2 l, bench_ctx x;
    """,
    ),
    (
        "stock moves",
        """
        -- kind: 1 receipt (every line), 2 backorder of a partial receipt, 3 return, 4
        -- duplicate receipt
        CREATE TEMP TABLE bench_move ON COMMIT DROP AS
        SELECT x.move_base + l.n AS id, 1 AS kind, l.id AS line_id,
            NULL::int AS origin_id,
               CASE WHEN l.cancelled THEN 'cancel' WHEN l.receipt_done THEN 'done'
                   ELSE 'assigned' END AS state,
               CASE WHEN l.receipt_done THEN l.receipt_date ELSE l.date_planned END
                   AS date,
               CASE WHEN l.receipt_done THEN l.received ELSE l.qty END AS qty
          FROM bench_line2 l, bench_ctx x;
        CREATE TEMP SEQUENCE bench_move_seq;
        SELECT setval('bench_move_seq', (SELECT move_base FROM bench_ctx) + %(lines)s);
        INSERT INTO bench_move
        SELECT nextval('bench_move_seq'), 2, l.id, NULL,
               CASE WHEN NOT l.backorder_done THEN 'cancel'
                   WHEN l.backorder_date <= x.now_utc THEN 'done'
                    ELSE 'assigned' END,
               l.backorder_date, l.qty - l.received
          FROM bench_line2 l, bench_ctx x WHERE l.receipt_done AND l.partial;
        INSERT INTO bench_move
        SELECT nextval('bench_move_seq'), 3, l.id, x.move_base + l.n,
               CASE WHEN l.return_date <= x.now_utc THEN 'done' ELSE 'assigned' END,
               l.return_date, l.return_qty
          FROM bench_line2 l, bench_ctx x WHERE l.receipt_done AND l.returned;
        INSERT INTO bench_move
        SELECT nextval('bench_move_seq'), 4, l.id, NULL, 'done', l.receipt_date,
            l.received
          FROM bench_line2 l WHERE l.receipt_done AND l.duplicated;
        INSERT INTO stock_move
            (id, name, sequence, priority, state, date, date_deadline, company_id,
                                product_id, product_uom, product_uom_qty, product_qty,
                                    quantity, picked,
                                location_id, location_dest_id, procure_method,
                                    purchase_line_id,
                                origin_returned_move_id, to_refund, warehouse_id,
                                    picking_type_id,
                                origin, reference, price_unit, scrapped, is_inventory,
                                    additional,
                                propagate_cancel, create_uid, write_uid, create_date,
                                    write_date)
        SELECT m.id, pl.name, 10, '0', m.state, m.date, pl.date_planned, x.company,
               pl.product_id, x.uom, m.qty, m.qty,
                   CASE WHEN m.state = 'done' THEN m.qty ELSE 0 END,
               m.state = 'done',
               CASE WHEN m.kind = 3 THEN x.stock_loc ELSE x.supplier_loc END,
               CASE WHEN m.kind = 3 THEN x.supplier_loc ELSE x.stock_loc END,
               'make_to_stock', m.line_id, m.origin_id, m.kind = 3, x.warehouse,
                   x.picking_type,
               po.name, po.name, pl.price_unit, false, false, false, false,
               x.buyer, x.buyer, po.date_approve, m.date
          FROM bench_move m
          JOIN purchase_order_line pl ON pl.id = m.line_id
          JOIN purchase_order po ON po.id = pl.order_id, bench_ctx x
         ORDER BY m.id;
    """,
    ),
    (
        "buyer ratings",
        """
        -- about one supplier in ten rated each month, better vendors rated higher
        INSERT INTO supplier_rating
            (id, partner_id, company_id, user_id, date, service, communication,
                                     cooperation, create_uid, write_uid, create_date,
                                         write_date)
        SELECT x.rating_base + ROW_NUMBER() OVER (ORDER BY v.k, m), v.id, x.company,
            x.buyer,
               (x.t0 + (m - 1) * interval '1 month' + random() * interval
                   '27 days')::date,
               least(5, greatest(1, round(4.5 - 6 * v.late_p + random() * 1.5 -
                   0.75)))::int::text,
               least(5, greatest(1, round(3.5 + random() * 2 - 1)))::int::text,
               CASE WHEN random() < 0.3 THEN NULL
                    ELSE least(5, greatest(1,
                        round(4 - 10 * v.return_p + random() * 2 - 1)))::int::text END,
               x.buyer, x.buyer, x.now_utc, x.now_utc
          FROM bench_vendor v, bench_ctx x, generate_series(1, %(months)s) m
         WHERE random() < 0.1;
    """,
    ),
    (
        "indexes",
        """
        DO $$ DECLARE r record; BEGIN
            FOR r IN SELECT definition FROM bench_index LOOP
                EXECUTE r.definition;
            END LOOP;
        END $$;
    """,
    ),
    (
        "sequences",
        """
        SELECT setval('res_partner_id_seq', (SELECT MAX(id) FROM res_partner));
        SELECT setval('product_template_id_seq',
            (SELECT MAX(id) FROM product_template));
        SELECT setval('product_product_id_seq', (SELECT MAX(id) FROM product_product));
        SELECT setval('product_supplierinfo_id_seq',
            (SELECT MAX(id) FROM product_supplierinfo));
        SELECT setval('purchase_order_id_seq', (SELECT MAX(id) FROM purchase_order));
        SELECT setval('purchase_order_line_id_seq',
            (SELECT MAX(id) FROM purchase_order_line));
        SELECT setval('stock_move_id_seq', (SELECT MAX(id) FROM stock_move));
        SELECT setval('supplier_rating_id_seq', GREATEST(1,
            (SELECT MAX(id) FROM supplier_rating)));
        CREATE TABLE IF NOT EXISTS bench_meta (key varchar PRIMARY KEY, value jsonb);
    """,
    ),
]

# Foreign keys were not checked during the load: check the ones the engine relies on.
ORPHANS = """
    SELECT (SELECT COUNT(*) FROM purchase_order o LEFT JOIN res_partner p
        ON p.id = o.partner_id WHERE p.id IS NULL)
         + (SELECT COUNT(*) FROM purchase_order_line l LEFT JOIN purchase_order o
             ON o.id = l.order_id
             WHERE o.id IS NULL)
         + (SELECT COUNT(*) FROM purchase_order_line l LEFT JOIN product_product p
             ON p.id = l.product_id
             WHERE p.id IS NULL)
         + (SELECT COUNT(*) FROM product_product p LEFT JOIN product_template t
             ON t.id = p.product_tmpl_id
             WHERE t.id IS NULL)
         + (SELECT COUNT(*) FROM product_supplierinfo s LEFT JOIN res_partner p
             ON p.id = s.partner_id
             WHERE p.id IS NULL)
         + (SELECT COUNT(*) FROM stock_move m LEFT JOIN purchase_order_line l
             ON l.id = m.purchase_line_id
             WHERE m.purchase_line_id IS NOT NULL AND l.id IS NULL)
         + (SELECT COUNT(*) FROM stock_move m LEFT JOIN stock_move o
             ON o.id = m.origin_returned_move_id
             WHERE m.origin_returned_move_id IS NOT NULL AND o.id IS NULL)
         + (SELECT COUNT(*) FROM stock_move m LEFT JOIN stock_location s
             ON s.id = m.location_id
             WHERE s.id IS NULL)
         + (SELECT COUNT(*) FROM supplier_rating r LEFT JOIN res_partner p
             ON p.id = r.partner_id
             WHERE p.id IS NULL)
"""

SUMMARY = """
    SELECT jsonb_build_object(
        'suppliers', (SELECT COUNT(*) FROM res_partner
            WHERE name LIKE 'Bench Supplier %%'),
        'products', (SELECT COUNT(*) FROM product_product
            WHERE default_code LIKE 'BP%%'),
        'supplierinfo', (SELECT COUNT(*) FROM product_supplierinfo),
        'single_source_share', (SELECT round(AVG((c = 1)::int)::numeric, 3) FROM
                                  (SELECT COUNT(*) AS c FROM product_supplierinfo
                                      GROUP BY product_tmpl_id) s),
        'purchase_orders', (SELECT COUNT(*) FROM purchase_order),
        'cancelled_orders', (SELECT COUNT(*) FROM purchase_order
            WHERE state = 'cancel'),
        'purchase_lines', (SELECT COUNT(*) FROM purchase_order_line),
        'stock_moves', (SELECT COUNT(*) FROM stock_move),
        'receipts_done', (SELECT COUNT(*) FROM stock_move WHERE state = 'done'
            AND location_id = %(supplier_loc)s),
        'returns_done', (SELECT COUNT(*) FROM stock_move WHERE state = 'done'
            AND location_dest_id = %(supplier_loc)s),
        'late_receipt_share',
            (SELECT round(AVG((m.date::date > l.date_planned::date)::int)::numeric, 3)
                                 FROM stock_move m JOIN purchase_order_line l
                                     ON l.id = m.purchase_line_id
                                WHERE m.state = 'done'
                                    AND m.location_id = %(supplier_loc)s),
        'ratings', (SELECT COUNT(*) FROM supplier_rating),
        'date_approve_min', (SELECT MIN(date_approve)::text FROM purchase_order),
        'date_approve_max', (SELECT MAX(date_approve)::text FROM purchase_order),
        'database_size', pg_size_pretty(pg_database_size(current_database()))
    )
"""


def summarize(cr):
    """Check the generated rows point to existing records, then count them."""
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE module = 'stock' AND name = "
        "'stock_location_suppliers'"
    )
    supplier_loc = cr.fetchone()[0]
    cr.execute(ORPHANS)
    orphans = cr.fetchone()[0]
    if orphans:
        raise SystemExit(
            f"generated data is inconsistent: {orphans} rows point to missing records"
        )
    cr.execute(SUMMARY, {"supplier_loc": supplier_loc})
    return cr.fetchone()[0]


def generate(args):
    generate_database(args, sizes(), GENERATE, summarize)


# ============================================================================== measure
# The bare scan: the rows one month's evaluation reads, each read once and by index
# (the month's lines by their promised date, their receipts by line, the month's moves
# by date, the month's orders by approval date), summed by plain aggregates: same joins
# and filters as the engine, no window function, no grouping, no transfer of rows to
# Python. Nothing in it grows with the history outside the month: EXPLAIN ANALYZE of
# each query is checked for a sequential scan or hash of a history table (plan_check).
MOVE_QTY_SQL = """(CASE WHEN move_uom.id = product_uom.id THEN m.quantity
                    ELSE ROUND(m.quantity / move_uom.factor * product_uom.factor /
                        product_uom.rounding) * product_uom.rounding END)"""
MOVE_QTY_JOINS_SQL = """JOIN uom_uom move_uom ON move_uom.id = m.product_uom
          JOIN product_product move_pp ON move_pp.id = m.product_id
          JOIN product_template move_pt ON move_pt.id = move_pp.product_tmpl_id
          JOIN uom_uom product_uom ON product_uom.id = move_pt.uom_id"""
SCAN_QUERIES = {
    # The month's lines by their promised date, then their receipts by line: the
    # line ids are handed to the index of stock_move.purchase_line_id as one array
    # (a join would hash every done receipt of the history).
    "lines promised + their receipts": f"""
        WITH due AS MATERIALIZED (
            SELECT l.id, l.product_uom_qty
              FROM purchase_order_line l
              JOIN purchase_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template t ON t.id = pp.product_tmpl_id
             WHERE l.company_id = %(company)s AND l.display_type IS NULL
               AND l.date_planned >= %(start)s AND l.date_planned < %(end)s
               AND o.state IN ('purchase', 'done', 'cancel')
        ), receipts AS (
            SELECT m.purchase_line_id, SUM({MOVE_QTY_SQL}) AS qty
              FROM stock_move m
              {MOVE_QTY_JOINS_SQL}
              JOIN stock_location src ON src.id = m.location_id
             WHERE m.purchase_line_id = ANY(ARRAY(SELECT id FROM due))
               AND m.state = 'done' AND src.usage = 'supplier'
             GROUP BY m.purchase_line_id
        )
        SELECT COUNT(*), SUM(due.product_uom_qty), SUM(r.qty)
          FROM due
          LEFT JOIN receipts r ON r.purchase_line_id = due.id
    """,
    "moves done": f"""
        SELECT COUNT(*), SUM({MOVE_QTY_SQL}),
               SUM(EXTRACT(EPOCH FROM (m.date - o.date_approve)))
          FROM stock_move m
          {MOVE_QTY_JOINS_SQL}
          JOIN stock_location src ON src.id = m.location_id
          JOIN stock_location dst ON dst.id = m.location_dest_id
          LEFT JOIN stock_move origin ON origin.id = m.origin_returned_move_id
          JOIN purchase_order_line l
              ON l.id = COALESCE(m.purchase_line_id, origin.purchase_line_id)
          JOIN purchase_order o ON o.id = l.order_id
          JOIN res_partner p ON p.id = o.partner_id
         WHERE m.company_id = %(company)s AND m.state = 'done'
           AND m.date >= %(start)s AND m.date < %(end)s
           AND (src.usage = 'supplier' OR dst.usage = 'supplier')
           AND o.state IN ('purchase', 'done')
    """,
    # The month's orders by approval date, then their lines by order (the lateral is
    # kept apart by OFFSET 0, else the planner hashes every line of the history).
    "lines confirmed": """
        SELECT COUNT(*), SUM(l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0),
            1)), SUM(p.id), SUM(t.id)
          FROM purchase_order o
         CROSS JOIN LATERAL (
            SELECT l.price_subtotal, l.product_id FROM purchase_order_line l
             WHERE l.order_id = o.id AND l.display_type IS NULL
            OFFSET 0
         ) l
          JOIN res_partner p ON p.id = o.partner_id
          JOIN product_product pp ON pp.id = l.product_id
          JOIN product_template t ON t.id = pp.product_tmpl_id
         WHERE o.company_id = %(company)s
           AND o.date_approve >= %(start)s AND o.date_approve < %(end)s
           AND o.state IN ('purchase', 'done')
    """,
}
# The same reads over a range of months: there the receipts are joined to the lines
# (the engine does the same): an array of half a million ids is planned as a few rows,
# with nested loops and sorts on disk for all of them.
RANGE_SCAN_QUERIES = {
    **SCAN_QUERIES,
    "lines promised + their receipts": SCAN_QUERIES[
        "lines promised + their receipts"
    ].replace(
        "WHERE m.purchase_line_id = ANY(ARRAY(SELECT id FROM due))\n"
        "               AND m.state",
        "JOIN due ON due.id = m.purchase_line_id\n             WHERE m.state",
    ),
}
assert RANGE_SCAN_QUERIES != SCAN_QUERIES
DUE_SCAN = "lines promised + their receipts"
# Tables whose size is the history: a scan must never read them whole. (The orders,
# a tenth of the lines, are hashed whole where the planner finds it cheaper than an
# index lookup per line: plan_check reports it as "orders_hashed".)
HISTORY_TABLES = ("purchase_order_line", "stock_move")


def _plan_nodes(node):
    """Every node of an EXPLAIN (FORMAT JSON) plan."""
    yield node
    for child in node.get("Plans", ()):
        yield from _plan_nodes(child)


def plan_check(cr, queries, params):
    """EXPLAIN ANALYZE each query: per query, the nodes that read a history table
    whole (sequential scans) with their rows, the orders read whole, and the rows
    hashed. An empty ``full_reads`` list means every line and move was reached by
    index."""
    checks = {}
    for name, query in queries.items():
        cr.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query, params)
        plan = cr.fetchone()[0][0]
        nodes = list(_plan_nodes(plan["Plan"]))
        scans = [
            (node["Relation Name"], node.get("Actual Rows", 0))
            for node in nodes
            if node.get("Node Type") == "Seq Scan"
        ]
        checks[name] = {
            "ms": round(plan.get("Execution Time", 0.0), 1),
            "full_reads": [list(scan) for scan in scans if scan[0] in HISTORY_TABLES],
            "orders_read_whole": sum(
                rows for table, rows in scans if table == "purchase_order"
            ),
            "rows_hashed": sum(
                node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
                for node in nodes
                if node.get("Node Type") == "Hash"
            ),
        }
    return checks


def core_on_time_rate(args):
    """Odoo core's res.partner.on_time_rate (purchase_stock) of every vendor over its
    default 365 days, in a process of its own (run by measure): its seconds and the
    memory it adds to the loaded ORM."""
    odoo, registry, load_s, _rss_start = load_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        vendors = env["res.partner"].search([("supplier_rank", ">", 0)])
        rss_orm = rss_kib()
        t = time.perf_counter()
        rates = vendors.mapped("on_time_rate")
        seconds = time.perf_counter() - t
        peak = peak_kib()
        cr.rollback()
    rated = [rate for rate in rates if rate >= 0]
    print(
        "CORE "
        + json.dumps(
            {
                "vendors": len(vendors),
                "vendors_with_rate": len(rated),
                "avg_rate": round(sum(rated) / len(rated), 2) if rated else None,
                "s": round(seconds, 2),
                "orm_load_s": round(load_s, 2),
                "rss_after_orm_kib": rss_orm,
                "peak_rss_kib": peak,
                "peak_added_kib": peak - rss_orm,
            }
        ),
        flush=True,
    )
    return 0


def run_core(args):
    """core_on_time_rate in a child process (its peak memory is its own)."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "core",
        "--db-host",
        args.db_host,
        "--db-port",
        str(args.db_port),
        "--db-user",
        args.db_user,
        "--db-password",
        args.db_password,
        "--db-name",
        args.db_name,
        "--addons-path",
        args.addons_path,
        "--out",
        args.out,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("CORE "):
            core = json.loads(line[5:])
            print(
                f"core on_time_rate: {core['s']:.2f} s for {core['vendors']} vendors, "
                f"+{core['peak_added_kib'] / 1024:.0f} MiB over the loaded ORM",
                flush=True,
            )
            return core
    raise SystemExit(f"core on_time_rate failed:\n{done.stdout}\n{done.stderr}")


class BackfillLimit(Exception):
    pass


class EngineLog:
    """The seconds of the engine's named steps (engine.STEPS), reported by the engine
    itself after every run (engine.observed), whatever called it (the model, the
    wizard).

    ``take()`` returns the steps' sums since the last call. During ``backfill(limit)``,
    each run is also logged as one period, and the back-fill stops past ``limit``
    seconds.
    """

    def __init__(self):
        self.pending = {}
        self.months = None

    def __call__(self, date_from, timings, ids):
        steps = {name: s for name, s in timings.items() if name != "total"}
        for name, seconds in steps.items():
            self.pending[name] = self.pending.get(name, 0.0) + seconds
        if self.months is None:
            return
        self.months.append(
            {
                "month": date_from.isoformat()[:7],
                "s": round(timings["total"], 3),
                "scorecards": len(ids),
                "steps_s": {name: round(s, 3) for name, s in steps.items()},
            }
        )
        month = self.months[-1]
        print(
            f"  back-fill {month['month']}: {month['s']:7.2f} s, "
            f"{len(ids)} scorecards; steps {month['steps_s']}",
            flush=True,
        )
        if time.perf_counter() - self.started > self.limit:
            raise BackfillLimit()

    def take(self):
        pending, self.pending = self.pending, {}
        return {name: round(value, 3) for name, value in pending.items()}

    def backfill(self, limit):
        self.months, self.limit, self.started = [], limit, time.perf_counter()
        return self


RESULT_MODELS = ("supplier.corrective.action", "supplier.alert", "supplier.scorecard")


def reset_results(cr, company_id):
    """Remove what evaluations produced (scorecards, and alerts with their chatter and
    activities)."""
    for model in RESULT_MODELS:
        table = model.replace(".", "_")
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0] is None:
            continue
        for mail_table, column in (
            ("mail_activity", "res_model"),
            ("mail_followers", "res_model"),
            ("mail_message", "model"),
        ):
            cr.execute(f"DELETE FROM {mail_table} WHERE {column} = %s", [model])
        cr.execute(f"DELETE FROM {table} WHERE company_id = %s", [company_id])


def count_results(cr, company_id):
    counts = {}
    for model in RESULT_MODELS:
        table = model.replace(".", "_")
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0] is not None:
            cr.execute(
                f"SELECT COUNT(*) FROM {table} WHERE company_id = %s", [company_id]
            )
            counts[table] = cr.fetchone()[0]
    cr.execute(
        "SELECT COUNT(*) FROM mail_message WHERE model = ANY(%s)", [list(RESULT_MODELS)]
    )
    counts["mail_message"] = cr.fetchone()[0]
    return counts


def measure(args):
    odoo, registry, load_s, rss_start = load_registry(args)
    from odoo.addons.supplier_evaluation import engine
    from odoo.addons.supplier_evaluation.lib import periods

    result = run_facts()
    timer = EngineLog()
    backfill_stats = os.environ.get("BENCH_BACKFILL_STATS", "month")
    if backfill_stats not in ("month", "stale"):
        raise SystemExit("BENCH_BACKFILL_STATS is 'month' or 'stale'")
    result["backfill_statistics"] = backfill_stats

    with registry.cursor() as cr, engine.observed(timer):
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        result["generate"] = generated(cr)
        company = env.ref("base.main_company")
        Scorecard = env["supplier.scorecard"]
        months = (result["generate"] or {}).get("sizes", {}).get("months") or sizes()[
            "months"
        ]
        backfill_months = min(env_int("BENCH_BACKFILL_MONTHS", 12), months)
        # The month before the company's today, and its bounds in UTC, as the engine
        # counts them.
        today = Scorecard._company_today(company)
        first_day, last_day = periods.previous_period(today, "month")
        result["month"] = [first_day.isoformat(), last_day.isoformat()]
        start, end = Scorecard._period_bounds(company, first_day, last_day)
        # Odoo core's figure first, in its own process, on the same data
        core = run_core(args)
        rss_orm = rss_kib()
        peak_orm = peak_kib()
        print(
            f"ORM loaded in {load_s:.1f} s, RSS {rss_orm / 1024:.0f} MiB; month "
            f"{first_day} .. {last_day}",
            flush=True,
        )

        reset_results(cr, company.id)
        # Planner statistics of the result table are set explicitly (ANALYZE after the
        # month's evaluation, below) rather than whenever autovacuum happens to run, so
        # runs repeat.
        cr.execute("ALTER TABLE supplier_scorecard SET (autovacuum_enabled = false)")
        cr.execute("ANALYZE supplier_scorecard")
        cr.commit()

        # (a) bare scan of the month and of the back-fill's months, twice each; the
        # second (warm) run counts
        month_params = {"company": company.id, "start": start, "end": end}
        scan, scan_s = bare_scan(cr, SCAN_QUERIES, month_params)
        month_list = periods.periods_between(
            first_day - relativedelta(months=backfill_months - 1), last_day, "month"
        )
        range_params = {
            "company": company.id,
            "start": Scorecard._period_bounds(company, *month_list[0])[0],
            "end": end,
        }
        scan_range, scan_range_s = bare_scan(
            cr,
            RANGE_SCAN_QUERIES if backfill_months > 1 else SCAN_QUERIES,
            range_params,
            label=f"bare scan, {backfill_months} months",
        )
        plans = {
            "month": plan_check(cr, SCAN_QUERIES, month_params),
            "range": plan_check(
                cr,
                RANGE_SCAN_QUERIES if backfill_months > 1 else SCAN_QUERIES,
                range_params,
            ),
        }
        print(f"scan plans (EXPLAIN ANALYZE): {plans}", flush=True)

        # warm-up evaluation of the month, rolled back
        t = time.perf_counter()
        Scorecard._evaluate(company, first_day, last_day)
        warmup_s = time.perf_counter() - t
        timer.take()
        cr.rollback()
        env.invalidate_all()
        cr.execute(
            "SELECT COUNT(*) FROM supplier_scorecard WHERE company_id = %s",
            [company.id],
        )
        assert cr.fetchone()[0] == 0, "scorecards left before the measured run"

        # (b) one month, first run (inserts)
        t = time.perf_counter()
        cards = Scorecard._evaluate(company, first_day, last_day)
        month_insert_s = time.perf_counter() - t
        insert_steps = timer.take()
        cr.commit()
        n_cards = len(cards)
        month_records = count_results(cr, company.id)
        print(
            f"month, first run: {month_insert_s:.3f} s, {n_cards} scorecards; steps "
            f"{insert_steps}",
            flush=True,
        )

        # (c) the same month again (drafts updated in place)
        t = time.perf_counter()
        cards_again = Scorecard._evaluate(company, first_day, last_day)
        month_update_s = time.perf_counter() - t
        update_steps = timer.take()
        cr.commit()
        assert set(cards_again.ids) == set(cards.ids), (
            "second run did not update the same scorecards"
        )
        # what autovacuum leaves once the monthly run is committed: statistics of one
        # evaluated month
        cr.execute("ANALYZE supplier_scorecard")
        cr.commit()
        print(
            f"month, update run: {month_update_s:.3f} s; steps {update_steps}",
            flush=True,
        )

        cr.execute(
            """SELECT COUNT(*), COUNT(*) FILTER (WHERE has_data), COUNT(total_score),
                             COUNT(*) FILTER (WHERE grade = 'A'),
                                 COUNT(*) FILTER (WHERE grade = 'B'),
                             COUNT(*) FILTER (WHERE grade = 'C'),
                                 round(AVG(total_score)::numeric, 1),
                             round(AVG(on_time_rate)::numeric, 1),
                                 round(AVG(in_full_rate)::numeric, 1),
                             round(AVG(quality_rate)::numeric, 2),
                                 round(AVG(price_index)::numeric, 1),
                             round(AVG(lead_time_avg)::numeric, 1), SUM(line_count),
                                 SUM(receipt_count),
                             SUM(excluded_duplicate), SUM(excluded_lead_time),
                                 SUM(excluded_cancelled)
                        FROM supplier_scorecard WHERE company_id = %s
                            AND date_from = %s""",
            [company.id, first_day],
        )
        keys = (
            "scorecards",
            "with_data",
            "scored",
            "grade_a",
            "grade_b",
            "grade_c",
            "avg_total",
            "avg_on_time",
            "avg_in_full",
            "avg_quality",
            "avg_price_index",
            "avg_lead_time",
            "lines_due",
            "receipts",
            "excluded_duplicate",
            "excluded_lead_time",
            "excluded_cancelled",
        )
        month_check = {
            k: (float(v) if v is not None and not isinstance(v, int) else v)
            for k, v in zip(keys, cr.fetchone(), strict=False)
        }
        print(f"month result: {month_check}", flush=True)

        # per-query durations of one more (update) run, for the report
        with QueryLog() as log:
            Scorecard._evaluate(company, first_day, last_day)
        timer.take()
        cr.rollback()
        slow_queries = log.report()

        profile_path = None
        if os.environ.get("BENCH_PROFILE"):
            profiler = cProfile.Profile()
            profiler.enable()
            Scorecard._evaluate(company, first_day, last_day)
            profiler.disable()
            timer.take()
            cr.rollback()
            profile_path = write_profile(profiler, args.out, [("cumulative", 30)])

        # (d) back-fill every month from scratch, oldest first, in one transaction,
        # through the wizard when its user may run it (else the same loop over
        # _evaluate). Planner statistics of supplier_scorecard at the start:
        # BENCH_BACKFILL_STATS=month (default) keeps those of the month evaluated above;
        # =stale analyses the emptied table first.
        reset_results(cr, company.id)
        cr.commit()
        if backfill_stats == "stale":
            # what autovacuum leaves after a rolled-back attempt or deleted drafts: no
            # live row over the pages still there (truncation waits for an exclusive
            # lock it rarely gets)
            cr.execute("ANALYZE supplier_scorecard")
            cr.commit()
        cr.execute(
            "SELECT reltuples, relpages FROM pg_class WHERE oid = "
            "'supplier_scorecard'::regclass"
        )
        result["backfill_start_statistics"] = dict(
            zip(("reltuples", "relpages"), cr.fetchone(), strict=False)
        )
        env.invalidate_all()
        limit = float(os.environ.get("BENCH_BACKFILL_LIMIT", 900))
        monthly = timer.backfill(limit)
        admin = env.ref("base.user_admin")
        via_wizard = "supplier.evaluation.wizard" in env and admin.has_group(
            "supplier_evaluation.supplier_evaluation_group_manager"
        )
        stopped = False
        t = time.perf_counter()
        with QueryLog() as backfill_log:
            try:
                if via_wizard:
                    env["supplier.evaluation.wizard"].with_user(admin).with_company(
                        company
                    ).create(
                        {
                            "company_id": company.id,
                            "date_from": month_list[0][0],
                            "date_to": month_list[-1][1],
                        }
                    ).action_evaluate()
                else:
                    for date_from, date_to in month_list:
                        Scorecard._evaluate(company, date_from, date_to)
            except BackfillLimit:
                stopped = True
                print(
                    f"  back-fill stopped after {len(monthly.months)} of "
                    f"{len(month_list)} months: over BENCH_BACKFILL_LIMIT={limit:.0f} "
                    "s",
                    flush=True,
                )
        per_month, timer.months = monthly.months, None
        backfill_cards = sum(month["scorecards"] for month in per_month)
        backfill_s = time.perf_counter() - t
        backfill_steps = {}
        for month in per_month:
            for name, value in month["steps_s"].items():
                backfill_steps[name] = round(backfill_steps.get(name, 0.0) + value, 3)
        cr.commit()
        backfill_records = count_results(cr, company.id)
        print(
            f"back-fill of {backfill_months} months in {len(per_month)} run(s) "
            f"({'wizard' if via_wizard else 'loop'}): {backfill_s:.2f} s, "
            f"{backfill_cards} scorecards; steps {backfill_steps}",
            flush=True,
        )

        # (e) Kraljic suggestions
        t = time.perf_counter()
        env["res.partner"]._update_kraljic_suggestions(company)
        env.flush_all()
        kraljic_s = time.perf_counter() - t
        cr.commit()
        cr.execute(
            """SELECT supplier_kraljic_suggested->>%s AS class, COUNT(*)
                         FROM res_partner
                       WHERE supplier_kraljic_suggested IS NOT NULL
                       GROUP BY 1 ORDER BY 1""",
            [str(company.id)],
        )
        kraljic_classes = dict(cr.fetchall())
        print(f"Kraljic suggestions: {kraljic_s:.2f} s {kraljic_classes}", flush=True)

        cr.execute("ALTER TABLE supplier_scorecard RESET (autovacuum_enabled)")
        cr.commit()

    peak = peak_kib()
    result["load_average_end"] = load_average()
    result.update(
        {
            "orm_load_s": round(load_s, 2),
            "bare_scan_s": round(scan_s, 4),
            "bare_scan_queries": scan_figures(scan),
            "bare_scan_backfill_months_s": round(scan_range_s, 4),
            "bare_scan_backfill_months_queries": scan_figures(scan_range),
            "scan_plans": plans,
            "core_on_time_rate": core,
            "month_warmup_s": round(warmup_s, 3),
            "month_insert_s": round(month_insert_s, 3),
            "month_insert_steps_s": insert_steps,
            "month_update_s": round(month_update_s, 3),
            "month_update_steps_s": update_steps,
            "month_scorecards": n_cards,
            "month_result": month_check,
            "month_records": month_records,
            "month_slowest_queries": slow_queries,
            "ratio_insert_to_scan": ratio(month_insert_s, scan_s),
            "ratio_update_to_scan": ratio(month_update_s, scan_s),
            "backfill_months": backfill_months,
            "backfill_complete": not stopped,
            "backfill_runs": len(per_month),
            "backfill_via": "supplier.evaluation.wizard as admin"
            if via_wizard
            else "loop over _evaluate",
            "backfill_s": round(backfill_s, 2),
            "backfill_month_s": {
                "min": min(m["s"] for m in per_month),
                "median": round(statistics.median(m["s"] for m in per_month), 3),
                "max": max(m["s"] for m in per_month),
            },
            "backfill_per_month": per_month,
            "backfill_queries": backfill_log.report(),
            "backfill_steps_s": backfill_steps,
            "backfill_scorecards": backfill_cards,
            "ratio_backfill_to_scan": ratio(backfill_s, scan_range_s),
            "core_to_backfill": round(core["s"] / backfill_s, 2)
            if backfill_s
            else None,
            "backfill_records": backfill_records,
            "kraljic_s": round(kraljic_s, 3),
            "kraljic_classes": kraljic_classes,
            **memory_figures(
                rss_start, rss_orm, peak_orm, peak, "peak_added_by_evaluation_kib"
            ),
            "profile": profile_path,
        }
    )
    month_ratio = result["ratio_insert_to_scan"]
    backfill_ratio = result["ratio_backfill_to_scan"]
    result["targets"] = {
        "month_at_most_1.2x_scan": bool(
            month_ratio is not None and month_ratio <= TARGET_RATIO
        ),
        "backfill_at_most_2x_scan": bool(
            backfill_ratio is not None
            and backfill_ratio <= TARGET_BACKFILL_RATIO
            and not stopped
        ),
        "backfill_10x_faster_than_core": bool(
            result["core_to_backfill"] is not None
            and result["core_to_backfill"] >= TARGET_CORE_FACTOR
            and not stopped
        ),
        "month_scan_reads_lines_and_moves_by_index": not any(
            check["full_reads"] for check in plans["month"].values()
        ),
        "month_under_30s": month_insert_s < TARGET_MONTH_S
        and month_update_s < TARGET_MONTH_S,
        "backfill_under_3min": backfill_s < TARGET_BACKFILL_S and not stopped,
        "peak_under_1GiB": peak < TARGET_PEAK_KIB,
    }
    report(result)
    write_json(args.out, result)
    return 0 if all(result["targets"].values()) else 3


def report(r):
    g = r.get("generate") or {}
    data, size = g.get("data", {}), g.get("sizes", {})
    rows = [
        ("addon", r.get("addon_source", "?")),
        (
            "machine",
            f"{r['cpus']} CPUs, load average {r['load_average_start'][0]} at start, "
            f"{r['load_average_end'][0]} at end (other work on the machine skews "
            "timings)",
        ),
        (
            "data",
            f"{data.get('suppliers')} suppliers, {data.get('products')} products, "
            f"{data.get('purchase_lines')} lines, {data.get('purchase_orders')} "
            f"orders, {data.get('stock_moves')} moves, {size.get('months')} months",
        ),
        ("generation", f"{g.get('total_s')} s (database {data.get('database_size')})"),
        (
            "month evaluated",
            f"{r['month'][0]} .. {r['month'][1]}, {r['month_scorecards']} scorecards",
        ),
        ("(a) bare scan, warm", f"{r['bare_scan_s']:.3f} s"),
        (
            f"    bare scan of the {r['backfill_months']} back-fill months",
            f"{r['bare_scan_backfill_months_s']:.3f} s",
        ),
        (
            "    core on_time_rate, 365 days",
            f"{r['core_on_time_rate']['s']:.2f} s for "
            f"{r['core_on_time_rate']['vendors']} vendors, +"
            f"{r['core_on_time_rate']['peak_added_kib'] / 1024:.0f} MiB peak over its "
            "loaded ORM",
        ),
        ("    warm-up evaluation", f"{r['month_warmup_s']:.3f} s (rolled back)"),
        ("(b) one month, insert", f"{r['month_insert_s']:.3f} s"),
        (
            "    records written",
            ", ".join(f"{k} {v}" for k, v in r["month_records"].items()),
        ),
        ("(c) one month, update", f"{r['month_update_s']:.3f} s"),
        (
            "(d) back-fill",
            f"{r['backfill_s']:.2f} s for {r['backfill_months']} months"
            f"{'' if r['backfill_complete'] else ' (STOPPED at the limit)'}, "
            f"{r['backfill_statistics']} statistics, {r['backfill_runs']} engine "
            f"run(s) (per run min {r['backfill_month_s']['min']:.2f} / median "
            f"{r['backfill_month_s']['median']:.2f} / max "
            f"{r['backfill_month_s']['max']:.2f} s)",
        ),
        (
            "    records written",
            ", ".join(f"{k} {v}" for k, v in r["backfill_records"].items()),
        ),
        ("(e) Kraljic suggestions", f"{r['kraljic_s']:.3f} s"),
        ("(f) ratio (b)/(a)", f"{r['ratio_insert_to_scan']}x"),
        ("    ratio (d)/its scan", f"{r['ratio_backfill_to_scan']}x"),
        ("    core on_time_rate / (d)", f"{r['core_to_backfill']}x"),
        ("    ratio (c)/(a)", f"{r['ratio_update_to_scan']}x"),
        ("(g) RSS after ORM load", f"{r['rss_after_orm_kib'] / 1024:.0f} MiB"),
        (
            "    peak RSS (ru_maxrss)",
            f"{r['peak_rss_kib'] / 1024:.0f} MiB "
            f"(+{r['peak_added_by_evaluation_kib'] / 1024:.0f} MiB over the loaded "
            "ORM)",
        ),
    ]
    print_table("supplier_evaluation benchmark", rows, 60)
    print(
        "steps of (b), s: "
        + ", ".join(f"{k} {v}" for k, v in r["month_insert_steps_s"].items())
    )
    print(
        "steps of (d), s: "
        + ", ".join(f"{k} {v}" for k, v in r["backfill_steps_s"].items())
    )
    print(
        "slowest queries of (c)-like run: "
        + "; ".join(
            f"{q['s']} s {q['query'][:90]}"
            for q in r["month_slowest_queries"]["slowest"][:3]
        )
    )
    print(
        "slowest queries of (d): "
        + "; ".join(
            f"{q['s']} s {q['query'][:90]}"
            for q in r["backfill_queries"]["slowest"][:3]
        )
    )
    print_targets(r["targets"])


def growth(paths):
    """Cost per row at each scale of a BENCH_GROWTH run (the JSON of each), and
    each against the smallest."""
    runs = []
    for path in paths:
        with open(path) as stream:
            r = json.load(stream)
        lines = r["bare_scan_backfill_months_queries"][
            "lines promised + their receipts"
        ]
        month_lines = r["bare_scan_queries"]["lines promised + their receipts"]["rows"]
        runs.append(
            {
                "lines": r["generate"]["data"]["purchase_lines"],
                "backfill_us_per_line": 1e6 * r["backfill_s"] / lines["rows"],
                "scan_us_per_line": 1e6
                * r["bare_scan_backfill_months_s"]
                / lines["rows"],
                "month_us_per_line": 1e6 * r["month_insert_s"] / month_lines,
                "write_s": r["backfill_steps_s"].get("write", 0.0),
            }
        )
    print("\nsupplier_evaluation growth: microseconds per due line")
    print(
        f"{'lines':>10} {'back-fill':>10} {'its scan':>10} {'one month':>10} "
        f"{'vs first':>9}"
    )
    for run in runs:
        print(
            f"{run['lines']:>10} {run['backfill_us_per_line']:>10.2f} "
            f"{run['scan_us_per_line']:>10.2f} {run['month_us_per_line']:>10.2f} "
            f"{run['backfill_us_per_line'] / runs[0]['backfill_us_per_line']:>8.2f}x"
        )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["growth"]:
        sys.exit(growth(sys.argv[2:]))
    if sys.argv[1:2] == ["core"]:
        sys.exit(
            main(
                __doc__,
                "supplier_evaluation.json",
                generate,
                core_on_time_rate,
                ["measure", *sys.argv[2:]],
            )
        )
    sys.exit(main(__doc__, "supplier_evaluation.json", generate, measure))
