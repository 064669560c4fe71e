# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A large city for the rate what-if, fast: a block of accounts billed for real,
then copied in PostgreSQL.

``bench_rate_whatif`` bills its first ``--real-n`` accounts through the
product (twelve real billing runs); :func:`copy_accounts` then copies them,
as SQL ``INSERT ... SELECT`` by chunks of accounts, up to ``-n`` accounts:
for each new account its customer, premise, meter, services and readings,
and for each month a posted cycle bill with its invoice lines and the billed
service periods. Every column is copied from a row the product wrote; only
the ids, the names (account and invoice numbers, customer, street, meter)
and the links between the copies change. Usage varies: month *m* of a copy
is the bill of a real account and month picked by a hash of the copy and
the month (its readings' consumption, its invoice lines and amounts), dated
like the real bills of month *m* (dates, the period in the line labels,
billing run). The rates are the same all year, so a bill moved to another
month is still priced right: the what-if's "Priced Again" equals "Billed"
on the copies, which proves them well formed.

Not copied (the what-if reads none of them): the billing runs' own lines and
stored charges, and the invoices' followers.

Each chunk commits: run the set-up again and it carries on with the accounts
still missing.
"""

import sys
import time

CHUNK = 5000
VERBOSE = False
# What is copied, in this order.
TABLES = (
    "res_partner",
    "utility_service_location",
    "utility_account",
    "utility_meter",
    "utility_account_service",
    "utility_meter_reading",
    "account_move",
    "account_move_line",
    "utility_service_period",
)


def _columns(cr, table):
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = %s
         ORDER BY ordinal_position
        """,
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def _insert_copy(cr, table, from_sql, overrides, params=None):
    """``INSERT INTO table`` every column from ``src.<column>`` (a row the
    product wrote, aliased ``src`` in ``from_sql``) unless ``overrides`` gives
    its SQL expression. :return: rows inserted."""
    columns = _columns(cr, table)
    unknown = set(overrides) - set(columns)
    if unknown:
        raise ValueError(f"{table} has no column {sorted(unknown)}")
    exprs = [overrides.get(column, f"src.{column}") for column in columns]
    started = time.perf_counter()
    cr.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(exprs)} {from_sql}",
        params,
    )
    if VERBOSE:
        print(
            f"    {table}: {cr.rowcount} rows, {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return cr.rowcount


def _read_sources(cr, real_n, months):
    """Temporary tables of the real block: accounts (``idx`` 0..real_n-1 by id),
    their services, bills by month (1..months) and water readings by month
    (0 = the initial read)."""
    cr.execute(
        r"""
        DROP TABLE IF EXISTS wc_acc, wc_service, wc_bill, wc_read;
        CREATE TEMP TABLE wc_acc AS
        SELECT row_number() OVER (ORDER BY a.id) - 1 AS idx, a.id AS account_id,
               a.partner_id, a.location_id
          FROM utility_account a
         ORDER BY a.id
         LIMIT %(real_n)s;
        CREATE TEMP TABLE wc_service AS
        SELECT acc.idx, s.id AS service_id, s.service_type_id, s.meter_id
          FROM wc_acc acc JOIN utility_account_service s ON s.account_id = acc.account_id;
        CREATE TEMP TABLE wc_bill AS
        SELECT acc.idx,
               dense_rank() OVER (ORDER BY m.utility_period_end) AS month,
               m.id AS move_id
          FROM wc_acc acc
          JOIN account_move m ON m.utility_account_id = acc.account_id
         WHERE m.state = 'posted' AND m.utility_bill_kind = 'cycle';
        CREATE TEMP TABLE wc_read AS
        SELECT sv.idx, row_number() OVER (PARTITION BY sv.idx ORDER BY r.date) - 1 AS month,
               r.id AS reading_id, r.consumption, r.value
          FROM wc_service sv
          JOIN utility_meter_reading r ON r.meter_id = sv.meter_id;
        CREATE UNIQUE INDEX ON wc_bill (idx, month);
        CREATE UNIQUE INDEX ON wc_read (idx, month);
        -- The real block's rows, whole: the copies read these small tables,
        -- never the growing ones.
        DROP TABLE IF EXISTS wc_move_row, wc_line_row, wc_period_row, wc_reading_row;
        CREATE TEMP TABLE wc_move_row AS
        SELECT m.* FROM account_move m JOIN wc_bill b ON b.move_id = m.id;
        CREATE TEMP TABLE wc_line_row AS
        SELECT l.* FROM account_move_line l JOIN wc_bill b ON b.move_id = l.move_id;
        CREATE TEMP TABLE wc_period_row AS
        SELECT p.* FROM utility_service_period p JOIN wc_bill b ON b.move_id = p.move_id;
        CREATE TEMP TABLE wc_reading_row AS
        SELECT r.* FROM utility_meter_reading r JOIN wc_read w ON w.reading_id = r.id;
        CREATE UNIQUE INDEX ON wc_move_row (id);
        CREATE INDEX ON wc_line_row (move_id);
        CREATE INDEX ON wc_period_row (move_id);
        CREATE UNIQUE INDEX ON wc_reading_row (id);
        -- The service period of each real bill, as its line labels end.
        ALTER TABLE wc_bill ADD COLUMN label_period varchar;
        UPDATE wc_bill b SET label_period = l.period
          FROM (SELECT DISTINCT ON (move_id) move_id,
                       substring(name from '\([0-9/]+-[0-9/]+\)$') AS period
                  FROM wc_line_row WHERE display_type = 'product'
                 ORDER BY move_id, id) l
         WHERE l.move_id = b.move_id;
        ANALYZE wc_acc, wc_service, wc_bill, wc_read, wc_move_row, wc_line_row,
                wc_period_row, wc_reading_row;
        """,
        {"real_n": real_n},
    )
    cr.execute(
        "SELECT COUNT(*), COUNT(DISTINCT idx), MAX(month) FROM wc_bill"
        " UNION ALL SELECT COUNT(*), COUNT(DISTINCT idx), MAX(month) FROM wc_read"
    )
    (bills, billed, last_month), (reads, read, last_read) = cr.fetchall()
    if billed != real_n or bills != real_n * months or last_month != months:
        raise RuntimeError(
            f"the real block is not {real_n} accounts x {months} months of posted cycle "
            f"bills ({bills} bills of {billed} accounts)"
        )
    if read != real_n or reads != real_n * (months + 1) or last_read != months:
        raise RuntimeError(f"the real block's readings are not one a month ({reads})")


def _seq(cr, table):
    cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return cr.fetchone()[0]


def _copy_chunk(cr, real_n, months, first, last):
    """Copies number ``first`` .. ``last - 1`` (0-based over the whole city:
    copy ``t`` takes its customer, premise, meter and services from real
    account ``t % real_n``)."""
    params = {
        "first": first,
        "last": last,
        "real_n": real_n,
        "months": months,
        "partner_seq": _seq(cr, "res_partner"),
        "location_seq": _seq(cr, "utility_service_location"),
        "account_seq": _seq(cr, "utility_account"),
        "meter_seq": _seq(cr, "utility_meter"),
        "service_seq": _seq(cr, "utility_account_service"),
        "reading_seq": _seq(cr, "utility_meter_reading"),
        "move_seq": _seq(cr, "account_move"),
        "line_seq": _seq(cr, "account_move_line"),
        "period_seq": _seq(cr, "utility_service_period"),
    }
    cr.execute(
        """
        DROP TABLE IF EXISTS wc_tgt, wc_tgt_service, wc_tgt_bill, wc_tgt_read;
        CREATE TEMP TABLE wc_tgt AS
        SELECT t, t %% %(real_n)s AS idx,
               nextval(%(partner_seq)s) AS partner_id,
               nextval(%(location_seq)s) AS location_id,
               nextval(%(account_seq)s) AS account_id,
               nextval(%(meter_seq)s) AS meter_id,
               'Copy Customer ' || t AS partner_name,
               t || ' Copy Street' AS street
          FROM generate_series(%(first)s, %(last)s - 1) t;
        CREATE TEMP TABLE wc_tgt_service AS
        SELECT tg.t, sv.service_id AS src_id, sv.service_type_id,
               nextval(%(service_seq)s) AS service_id
          FROM wc_tgt tg JOIN wc_service sv ON sv.idx = tg.idx;
        -- Month m of copy t: dated like real account idx's bill of month m
        -- (the template), usage and amounts of the bill picked by the hash.
        CREATE TEMP TABLE wc_tgt_bill AS
        SELECT tg.t, m.month, tmpl.move_id AS tmpl_id, tmpl.label_period,
               pick.move_id AS pick_id,
               pick.idx AS pick_idx, pick.month AS pick_month,
               nextval(%(move_seq)s) AS move_id
          FROM wc_tgt tg
          CROSS JOIN generate_series(1, %(months)s) m(month)
          JOIN wc_bill tmpl ON tmpl.idx = tg.idx AND tmpl.month = m.month
          JOIN wc_bill pick
            ON pick.idx = ((tg.t * 7919 + m.month * 104729) %% (%(real_n)s * %(months)s))
                          / %(months)s
           AND pick.month = ((tg.t * 7919 + m.month * 104729) %% (%(real_n)s * %(months)s))
                            %% %(months)s + 1;
        CREATE TEMP TABLE wc_tgt_read AS
        SELECT x.*, lag(x.reading_id) OVER (PARTITION BY x.t ORDER BY x.month) AS previous_id,
               x.initial + SUM(x.consumption) OVER (PARTITION BY x.t ORDER BY x.month) AS value
          FROM (
                SELECT tg.t, r.month, r.reading_id AS tmpl_id,
                       CASE WHEN r.month = 0 THEN r.consumption
                            ELSE pr.consumption END AS consumption,
                       first.value AS initial,
                       nextval(%(reading_seq)s) AS reading_id
                  FROM wc_tgt tg
                  JOIN wc_read r ON r.idx = tg.idx
                  JOIN wc_read first ON first.idx = tg.idx AND first.month = 0
                  LEFT JOIN wc_tgt_bill b ON b.t = tg.t AND b.month = r.month
                  LEFT JOIN wc_read pr ON pr.idx = b.pick_idx AND pr.month = b.pick_month
               ) x;
        CREATE INDEX ON wc_tgt (idx);
        CREATE INDEX ON wc_tgt_service (src_id, t);
        CREATE INDEX ON wc_tgt_bill (tmpl_id);
        CREATE INDEX ON wc_tgt_bill (pick_id);
        CREATE INDEX ON wc_tgt_read (tmpl_id);
        ANALYZE wc_tgt, wc_tgt_service, wc_tgt_bill, wc_tgt_read;
        """,
        params,
    )
    source = "FROM wc_tgt tg JOIN wc_acc acc ON acc.idx = tg.idx"
    _insert_copy(
        cr,
        "res_partner",
        f"{source} JOIN res_partner src ON src.id = acc.partner_id",
        {
            "id": "tg.partner_id",
            "name": "tg.partner_name",
            "complete_name": "tg.partner_name",
            "commercial_partner_id": "tg.partner_id",
        },
    )
    _insert_copy(
        cr,
        "utility_service_location",
        f"{source} JOIN utility_service_location src ON src.id = acc.location_id",
        {"id": "tg.location_id", "name": "tg.street", "street": "tg.street"},
    )
    _insert_copy(
        cr,
        "utility_account",
        f"{source} JOIN utility_account src ON src.id = acc.account_id",
        {
            "id": "tg.account_id",
            "name": "'UA' || lpad((tg.t + 1)::text, GREATEST(6, length((tg.t + 1)::text)), '0')",
            "partner_id": "tg.partner_id",
            "location_id": "tg.location_id",
            "partner_name": "tg.partner_name",
            "location_name": "tg.street",
            "location_street": "tg.street",
        },
    )
    _insert_copy(
        cr,
        "utility_meter",
        "FROM wc_tgt tg JOIN wc_service sv ON sv.idx = tg.idx AND sv.meter_id IS NOT NULL"
        " JOIN utility_meter src ON src.id = sv.meter_id",
        {
            "id": "tg.meter_id",
            "name": "'COPY-M' || tg.t",
            "location_id": "tg.location_id",
        },
    )
    _insert_copy(
        cr,
        "utility_account_service",
        "FROM wc_tgt_service ts JOIN wc_tgt tg ON tg.t = ts.t"
        " JOIN utility_account_service src ON src.id = ts.src_id",
        {
            "id": "ts.service_id",
            "account_id": "tg.account_id",
            "meter_id": "CASE WHEN src.meter_id IS NOT NULL THEN tg.meter_id END",
            "location_id": "CASE WHEN src.location_id IS NOT NULL THEN tg.location_id END",
        },
    )
    _insert_copy(
        cr,
        "utility_meter_reading",
        "FROM wc_tgt_read tr JOIN wc_tgt tg ON tg.t = tr.t"
        " JOIN wc_reading_row src ON src.id = tr.tmpl_id"
        " JOIN wc_tgt_service ts ON ts.t = tr.t AND ts.src_id = src.service_id",
        {
            "id": "tr.reading_id",
            "name": "'COPY-M' || tg.t || ' ' || src.date",
            "meter_id": "tg.meter_id",
            "service_id": "ts.service_id",
            "account_id": "tg.account_id",
            "location_id": "CASE WHEN src.location_id IS NOT NULL THEN tg.location_id END",
            "previous_reading_id": "tr.previous_id",
            "value": "tr.value",
            "consumption": "tr.consumption",
        },
    )
    # Invoice numbers go on after the last of each prefix (gapless, as the
    # journal's sequence would give them).
    cr.execute(
        """
        DROP TABLE IF EXISTS wc_tgt_name;
        CREATE TEMP TABLE wc_tgt_name AS
        SELECT b.move_id, t.sequence_prefix,
               base.number + row_number() OVER (
                   PARTITION BY t.journal_id, t.sequence_prefix ORDER BY b.t, b.month
               ) AS sequence_number
          FROM wc_tgt_bill b
          JOIN wc_move_row t ON t.id = b.tmpl_id
          JOIN (SELECT journal_id, sequence_prefix, MAX(sequence_number) AS number
                  FROM account_move GROUP BY 1, 2) base
            ON base.journal_id = t.journal_id AND base.sequence_prefix = t.sequence_prefix;
        CREATE UNIQUE INDEX ON wc_tgt_name (move_id);
        ANALYZE wc_tgt_name;
        """
    )
    # Odoo pads invoice numbers to five digits, longer ones as they are.
    name = (
        "nm.sequence_prefix || lpad(nm.sequence_number::text,"
        " GREATEST(5, length(nm.sequence_number::text)), '0')"
    )
    amounts = [
        column
        for column in _columns(cr, "account_move")
        if column.startswith("amount_") or column == "quick_edit_total_amount"
    ]
    _insert_copy(
        cr,
        "account_move",
        "FROM wc_tgt_bill b JOIN wc_tgt tg ON tg.t = b.t"
        " JOIN wc_tgt_name nm ON nm.move_id = b.move_id"
        " JOIN wc_move_row src ON src.id = b.tmpl_id"
        " JOIN wc_move_row pick ON pick.id = b.pick_id",
        dict(
            {column: f"pick.{column}" for column in amounts},
            id="b.move_id",
            name=name,
            payment_reference=name,
            sequence_number="nm.sequence_number",
            partner_id="tg.partner_id",
            commercial_partner_id="tg.partner_id",
            partner_shipping_id="CASE WHEN src.partner_shipping_id IS NOT NULL"
            " THEN tg.partner_id END",
            invoice_partner_display_name="tg.partner_name",
            utility_account_id="tg.account_id",
            utility_location_id="tg.location_id",
        ),
    )
    # The lines of the picked bill, dated like the template (the period in
    # the labels too).
    label_period = r"'\([0-9/]+-[0-9/]+\)$'"
    _insert_copy(
        cr,
        "account_move_line",
        """
        FROM wc_tgt_bill b
        JOIN wc_tgt tg ON tg.t = b.t
        JOIN wc_tgt_name nm ON nm.move_id = b.move_id
        JOIN wc_move_row tm ON tm.id = b.tmpl_id
        JOIN wc_line_row src ON src.move_id = b.pick_id
        LEFT JOIN wc_tgt_service ts
               ON ts.t = b.t AND ts.service_type_id = src.utility_service_type_id
        LEFT JOIN wc_tgt_read tr ON tr.t = b.t AND tr.month = b.month
        """,
        {
            "id": f"nextval('{_seq(cr, 'account_move_line')}')",
            "move_id": "b.move_id",
            "move_name": name,
            "partner_id": "tg.partner_id",
            "name": f"CASE WHEN src.display_type = 'product'"
            f" THEN regexp_replace(src.name, {label_period}, b.label_period) ELSE {name} END",
            "date": "tm.date",
            "invoice_date": "tm.invoice_date",
            "date_maturity": "CASE WHEN src.date_maturity IS NOT NULL THEN tm.invoice_date_due END",
            "utility_account_id": "CASE WHEN src.utility_account_id IS NOT NULL"
            " THEN tg.account_id END",
            "utility_service_id": "CASE WHEN src.utility_service_id IS NOT NULL"
            " THEN ts.service_id END",
            "utility_reading_id": "CASE WHEN src.utility_reading_id IS NOT NULL"
            " THEN tr.reading_id END",
            "utility_date_from": "CASE WHEN src.utility_date_from IS NOT NULL"
            " THEN tm.utility_period_start END",
            "utility_date_to": "CASE WHEN src.utility_date_to IS NOT NULL"
            " THEN tm.utility_period_end END",
        },
    )
    _insert_copy(
        cr,
        "utility_service_period",
        "FROM wc_tgt_bill b JOIN wc_tgt tg ON tg.t = b.t"
        " JOIN wc_period_row src ON src.move_id = b.tmpl_id"
        " JOIN wc_tgt_service ts ON ts.t = b.t AND ts.src_id = src.service_id",
        {
            "id": f"nextval('{_seq(cr, 'utility_service_period')}')",
            "service_id": "ts.service_id",
            "account_id": "tg.account_id",
            "move_id": "b.move_id",
        },
    )


def _set_aside_checks(cr):
    """Drop the foreign keys and the indexes (those of unique and exclusion
    constraints excepted: they keep checking the copies) of the copied
    tables, their definitions saved in ``wc_saved_ddl`` (committed: a
    stopped set-up restores them next time).
    Checked row by row they make the copy several times slower; rebuilt
    once at the end they check every copied row at once."""
    cr.execute("SELECT to_regclass('wc_saved_ddl')")
    if cr.fetchone()[0]:
        return  # set aside by an earlier, stopped set-up
    cr.execute(
        """
        CREATE TABLE wc_saved_ddl AS
        SELECT 1 AS step, c.conrelid::regclass::text AS tbl, c.conname::text AS name,
               format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', c.conrelid::regclass,
                      c.conname, pg_get_constraintdef(c.oid)) AS ddl
          FROM pg_constraint c
         WHERE c.contype = 'f' AND c.conrelid = ANY(%(tables)s::regclass[])
         UNION ALL
        SELECT 0, i.indrelid::regclass::text, i.indexrelid::regclass::text,
               pg_get_indexdef(i.indexrelid)
          FROM pg_index i
         WHERE i.indrelid = ANY(%(tables)s::regclass[]) AND NOT i.indisunique
           AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        """,
        {"tables": list(TABLES)},
    )
    cr.execute("SELECT step, tbl, name FROM wc_saved_ddl")
    for step, table, name in cr.fetchall():
        if step:
            cr.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        else:
            cr.execute(f"DROP INDEX {name}")
    cr.commit()


def _restore_checks(cr):
    """Rebuild what :func:`_set_aside_checks` dropped: the indexes, then the
    foreign keys (each checks every row)."""
    cr.execute("SELECT to_regclass('wc_saved_ddl')")
    if not cr.fetchone()[0]:
        return
    cr.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cr.execute("SELECT ddl FROM wc_saved_ddl ORDER BY step, tbl, name")
    for (ddl,) in cr.fetchall():
        cr.execute(ddl)
    cr.execute("DROP TABLE wc_saved_ddl")
    cr.commit()


def copy_accounts(env, real_n, n, months):
    """Copies of the first ``real_n`` accounts (billed for ``months`` months)
    until the database holds ``n`` accounts; commits each chunk."""
    cr = env.cr
    cr.execute("SELECT COUNT(*) FROM utility_account")
    done = cr.fetchone()[0]
    started = time.perf_counter()
    if done < n:
        _set_aside_checks(cr)
        _read_sources(cr, real_n, months)
    for first in range(done, n, CHUNK):
        last = min(first + CHUNK, n)
        _copy_chunk(cr, real_n, months, first, last)
        cr.commit()
        print(
            f"  set-up: {last} accounts ({last - real_n} copied), "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    restored = time.perf_counter()
    _restore_checks(cr)
    print(
        f"  set-up: indexes and foreign keys rebuilt in {time.perf_counter() - restored:.0f} s",
        file=sys.stderr,
    )
    # The next account the product numbers comes after the copies.
    sequence = env.ref("utility_billing.seq_utility_account", raise_if_not_found=False)
    if sequence and sequence.implementation == "standard":
        cr.execute(f"SELECT setval('ir_sequence_{sequence.id:03d}', %s)", [n])
    cr.commit()
