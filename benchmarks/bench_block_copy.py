# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A big set-up from a small one: the rows the product wrote for a first block
of accounts, copied with SQL as often as the benchmark needs.

Building 100,000 accounts with their bills and payments through the product
takes hours on the shared machine; copying the rows of the first block takes
minutes. A copy is the block again, as the product would have written it for
the next accounts: every row of every table the block filled, with

* its id and every foreign key into the block moved by the span of ids the
  block took in the referenced table (``res_id`` of ``mail.message`` and its
  siblings too), so copy ``k`` has the ids the product would have given the
  ``k``-th next block;
* numbers in the text moved by a caller's rule (``Rule``: the account number
  ``UA000017``, the invoice number ``INV/2025/00017``, the street
  ``17 DLQ000000 Street`` ...), keeping their zero padding, and the matching
  numbers of the reconciliation (``P<partial id>``, ``<full reconcile id>``);
* values the caller computes for the copy (a file's checksum), by override.

Then the sequences (table ids, ``ir.sequence`` numbers) move past the last
copy. Amounts, dates, states, residuals and reconciliations are the block's.

    snapshot = bench_block_copy.snapshot(cr)       # before the block is built
    ... the product builds the block, commits ...
    plan = bench_block_copy.plan(cr, snapshot, rules, exclude)
    for k in range(1, copies + 1):
        bench_block_copy.copy_block(cr, plan, k, overrides)  # one transaction each
    bench_block_copy.advance_sequences(cr, plan, copies)

``snapshot`` and ``plan`` are JSON-able: a resumed set-up keeps them in the
database it builds.
"""

import json
import re
from collections import namedtuple

# A number in the text, found after ``prefix`` (a regular expression), moved
# by ``delta`` per copy; ``columns``: only in those columns (None: any text).
Rule = namedtuple("Rule", "prefix delta columns", defaults=(None,))

RENUMBER = r"""
CREATE OR REPLACE FUNCTION pg_temp.bench_renumber(value text, k int, prefixes text[],
                                                  deltas bigint[]) RETURNS text AS $$
DECLARE
    i int;
    found text[];
    done text;
    number text;
BEGIN
    IF value IS NULL THEN
        RETURN value;
    END IF;
    FOR i IN 1 .. coalesce(array_length(prefixes, 1), 0) LOOP
        done := '';
        LOOP
            found := regexp_match(value, '^(.*?' || prefixes[i] || ')(\d+)(.*)$', 's');
            EXIT WHEN found IS NULL;
            number := (found[2]::bigint + k * deltas[i])::text;
            done := done || found[1] || lpad(number, greatest(length(found[2]), length(number)),
                                             '0');
            value := found[3];
        END LOOP;
        value := done || value;
    END LOOP;
    RETURN value;
END $$ LANGUAGE plpgsql IMMUTABLE
"""


def snapshot(cr):
    """Highest id of every table and last value of every sequence, now."""
    cr.execute(
        """
        SELECT c.table_name FROM information_schema.columns c
          JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.column_name = 'id'
        """
    )
    tables = [row[0] for row in cr.fetchall()]
    cr.execute(
        " UNION ALL ".join(f"SELECT '{t}', max(id) FROM \"{t}\"" for t in tables)
        if tables
        else "SELECT 1 WHERE false"
    )
    max_ids = {table: high or 0 for table, high in cr.fetchall()}
    return {"max_ids": max_ids, "sequences": _sequences(cr)}


def _sequences(cr):
    cr.execute(
        "SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'"
    )
    return dict(cr.fetchall())


def _transient_tables(cr):
    cr.execute("SELECT model FROM ir_model WHERE transient")
    return {model.replace(".", "_") for (model,) in cr.fetchall()}


def plan(cr, before, rules, exclude=()):
    """What copying the block built since ``before`` (a ``snapshot``) takes.

    :param rules: function of the spans of ids ({table: span}) giving the
        ``Rule`` list: the numbers to move in text columns
    :param exclude: tables not to copy (besides the transient models')
    :return: dict(tables: [(table, id low, span, columns)] in an order the
        foreign keys accept, sequences: {name: growth per copy}, ...)
    """
    after = snapshot(cr)
    skip = set(exclude) | _transient_tables(cr)
    low = before["max_ids"]
    spans = {}
    for table, high in after["max_ids"].items():
        if table in skip or high <= low.get(table, 0):
            continue
        cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = (cr.fetchone()[0] or "").split(".")[-1]
        last = after["sequences"].get(sequence, high)
        spans[table] = last - low.get(table, 0)
    keys = _foreign_keys(cr, spans)
    relations = _relation_tables(cr, spans, keys, skip, low)
    tables = {}
    moved = rules(spans)
    for table in [*spans, *relations]:
        tables[table] = _columns(cr, table, low, (spans, keys), moved)
    order = _dependency_order(cr, tables, low, spans, keys)
    growth = {
        name: value - before["sequences"].get(name, 0)
        for name, value in after["sequences"].items()
        if value > before["sequences"].get(name, 0)
    }
    return {
        "tables": [[t, low.get(t, 0), spans.get(t), tables[t]] for t in order],
        "sequences": growth,
        "sequence_after": after["sequences"],
        "spans": spans,
        "low": {t: low.get(t, 0) for t in spans},
        "models": _models(cr, spans),
    }


def _models(cr, tables):
    """{table: model name} of the tables of Odoo models."""
    cr.execute("SELECT model FROM ir_model")
    by_table = {model.replace(".", "_"): model for (model,) in cr.fetchall()}
    return {table: by_table[table] for table in tables if table in by_table}


def _foreign_keys(cr, spans):
    """{(table, column): referenced table} of the single-column foreign keys
    into the block's tables."""
    cr.execute(
        """
        SELECT cl.relname, a.attname, rt.relname
          FROM pg_constraint c
          JOIN pg_class cl ON cl.oid = c.conrelid
          JOIN pg_class rt ON rt.oid = c.confrelid
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1 AND rt.relname = ANY(%s)
        """,
        [list(spans)],
    )
    return {(table, column): target for table, column, target in cr.fetchall()}


def _relation_tables(cr, spans, keys, skip, low):
    """Tables without ids (many2many relations) with rows pointing into the block."""
    found = []
    for table in sorted({t for t, _c in keys} - set(spans) - skip):
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'",
            [table],
        )
        if cr.fetchone():
            continue
        columns = [c for t, c in keys if t == table]
        cr.execute(
            f'SELECT 1 FROM "{table}" WHERE '
            + " OR ".join(f'"{c}" > %s' for c in columns)
            + " LIMIT 1",
            [low.get(keys[(table, c)], 0) for c in columns],
        )
        if cr.fetchone():
            found.append(table)
    return found


def _columns(cr, table, low, foreign, rules):
    """[(column, kind, argument)] of ``table``: how copy ``k`` writes each column.

    :param foreign: (spans of the block's tables, their foreign keys)
    """
    _spans, keys = foreign
    cr.execute(
        """
        SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER'
         ORDER BY ordinal_position
        """,
        [table],
    )
    described = cr.fetchall()
    names = {name for name, _type in described}
    id_low = low.get(table, 0)
    columns = []
    for name, data_type in described:
        if name == "id":
            columns.append([name, "shift", table])
        elif (table, name) in keys:
            columns.append([name, "shift", keys[(table, name)]])
        elif name == "res_id" and names & {"res_model", "model"}:
            model_column = "res_model" if "res_model" in names else "model"
            columns.append([name, "reference", model_column])
        elif table == "account_move_line" and name == "matching_number":
            columns.append([name, "matching", None])
        elif table == "mail_message" and name == "message_id":
            columns.append([name, "message_id", None])
        elif data_type in ("character varying", "text") and table in _spans:
            moved = [rule for rule in rules if rule.columns is None or name in rule.columns]
            used = _rules_used(cr, table, name, id_low, moved)
            columns.append([name, "renumber", used] if used else [name, "same", None])
        else:
            columns.append([name, "same", None])
    return columns


def _rules_used(cr, table, column, id_low, rules):
    """The rules whose number occurs in ``column`` of the block's rows."""
    used = []
    for rule in rules:
        cr.execute(
            f'SELECT 1 FROM "{table}" WHERE id > %s AND "{column}" ~ %s LIMIT 1',
            [id_low, rule.prefix + r"\d"],
        )
        if cr.fetchone():
            used.append([rule.prefix, rule.delta])
    return used


def _dependency_order(cr, tables, low, spans, keys):
    """The tables, each after those its block rows point to (foreign keys
    checked as rows are inserted)."""
    needs = {}
    for table, columns in tables.items():
        needs[table] = set()
        for name, kind, target in columns:
            if kind != "shift" or name == "id" or target == table or target not in tables:
                continue
            where = f'"{name}" > %s' + (" AND id > %s" if table in spans else "")
            params = [low.get(target, 0)] + ([low.get(table, 0)] if table in spans else [])
            cr.execute(f'SELECT 1 FROM "{table}" WHERE {where} LIMIT 1', params)
            if cr.fetchone():
                needs[table].add(target)
    order = []
    while needs:
        ready = sorted(t for t, n in needs.items() if not n - set(order))
        if not ready:
            raise RuntimeError(f"foreign keys in a cycle between {sorted(needs)}")
        order += ready
        for table in ready:
            del needs[table]
    return order


def copy_block(cr, plan_, k, overrides=None):
    """Write copy ``k`` (1, 2, ...) of the block in the current transaction.

    :param overrides: {(table, column): (SQL expression, params)} for copy ``k``
    """
    cr.execute(RENUMBER)
    spans, low = plan_["spans"], plan_["low"]
    for table, id_low, _span, columns in plan_["tables"]:
        expressions, params = [], []
        for name, kind, argument in columns:
            override = (overrides or {}).get((table, name))
            if override:
                expressions.append(override[0])
                params += override[1]
            elif kind == "shift" and argument in spans:
                expressions.append(f'CASE WHEN "{name}" > %s THEN "{name}" + %s ELSE "{name}" END')
                params += [low[argument], k * spans[argument]]
            elif kind == "reference":
                sql, more = _reference(plan_, argument, k)
                expressions.append(sql)
                params += more
            elif kind == "message_id":
                # Odoo's <random.time-openerp-res_id-model@host>: a new random
                # part, the copy's res_id.
                sql, more = _reference(plan_, "model", k)
                expressions.append(
                    "regexp_replace(message_id, '^<[0-9.]+-openerp-[0-9]+-', "
                    f"'<' || random()::text || '-openerp-' || ({sql}) || '-')"
                )
                params += more
            elif kind == "matching":
                expressions.append(
                    "CASE WHEN matching_number ~ '^P[0-9]+$' "
                    "THEN 'P' || (substr(matching_number, 2)::bigint + %s) "
                    "WHEN matching_number ~ '^[0-9]+$' "
                    "THEN (matching_number::bigint + %s)::text ELSE matching_number END"
                )
                params += [
                    k * spans.get("account_partial_reconcile", 0),
                    k * spans.get("account_full_reconcile", 0),
                ]
            elif kind == "renumber":
                expressions.append(f'pg_temp.bench_renumber("{name}", %s, %s, %s)')
                params += [k, [p for p, _d in argument], [d for _p, d in argument]]
            else:
                expressions.append(f'"{name}"')
        if table in spans:
            where, where_params = "id > %s AND id <= %s", [id_low, id_low + spans[table]]
        else:
            shifted = [(n, a) for n, kind, a in columns if kind == "shift" and a in spans]
            where = " OR ".join(f'("{n}" > %s AND "{n}" <= %s)' for n, _a in shifted)
            where_params = [v for _n, a in shifted for v in (low[a], low[a] + spans[a])]
        names = ", ".join(f'"{name}"' for name, _kind, _arg in columns)
        cr.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {", ".join(expressions)} '
            f'FROM "{table}" WHERE {where}',
            params + where_params,
        )


def _reference(plan_, model_column, k):
    """(SQL, params) of ``res_id`` in copy ``k``: moved when it is a row of the block."""
    spans, low = plan_["spans"], plan_["low"]
    cases, params = [], []
    for target, model in plan_["models"].items():
        cases.append(f'WHEN "{model_column}" = %s AND res_id > %s THEN res_id + %s')
        params += [model, low[target], k * spans[target]]
    return (f"CASE {' '.join(cases)} ELSE res_id END" if cases else "res_id"), params


def copies_done(cr, plan_, table):
    """How many copies of the block ``table`` holds already (a resumed set-up)."""
    low, span = plan_["low"][table], plan_["spans"][table]
    cr.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
    return max(0, (cr.fetchone()[0] - low - 1) // span)


def advance_sequences(cr, plan_, copies):
    """Every sequence the block moved, moved past the last copy (table ids,
    ``ir.sequence`` numbers), as if the product had written the copies."""
    for name, growth in plan_["sequences"].items():
        cr.execute("SELECT setval(%s, %s)", [name, plan_["sequence_after"][name] + copies * growth])


def escape(text):
    """``text`` as a regular expression matching it literally (for ``Rule.prefix``)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\/])", r"\\\1", text)


# ----------------------------------------------------------------------
# What the set-ups that copy a block share
# ----------------------------------------------------------------------
def setup_state(cr):
    """What a set-up already did in this database (resumed after a stop): a
    table without ids, so no copy takes it for a row of the block."""
    cr.execute(
        "CREATE TABLE IF NOT EXISTS bench_setup_state (key varchar PRIMARY KEY, value jsonb)"
    )
    cr.execute("SELECT key, value FROM bench_setup_state")
    return dict(cr.fetchall())


def save_setup_state(cr, key, value):
    cr.execute(
        "INSERT INTO bench_setup_state VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [key, json.dumps(value)],
    )


def sequence_rules(cr, before):
    """The rules of the numbers the product's sequences gave the block: the
    journal entries' names by their ``sequence_prefix`` (each journal and year
    numbers on its own: ``INV/2024/`` moves by the block's 2024 bills) and the
    utility payments' receipt numbers by their prefix."""
    low = before["max_ids"]
    cr.execute(
        "SELECT sequence_prefix, count(*) FROM account_move WHERE id > %s GROUP BY 1",
        [low.get("account_move", 0)],
    )
    rules = [Rule(escape(p), c) for p, c in cr.fetchall()]
    cr.execute(
        "SELECT regexp_replace(name, '[0-9]+$', ''), count(*) FROM utility_payment "
        "WHERE id > %s GROUP BY 1",
        [low.get("utility_payment", 0)],
    )
    return rules + [Rule(escape(p), c) for p, c in cr.fetchall()]


def sequence_number_override(cr, plan_, k):
    """The override of ``account_move.sequence_number`` in copy ``k``: moved by
    the block's count of entries of the same prefix (journal and year)."""
    low = plan_["low"]["account_move"]
    cr.execute(
        "SELECT sequence_prefix, count(*) FROM account_move WHERE id > %s AND id <= %s GROUP BY 1",
        [low, low + plan_["spans"]["account_move"]],
    )
    cases, params = [], []
    for prefix, count in cr.fetchall():
        cases.append("WHEN %s THEN sequence_number + %s")
        params += [prefix, k * count]
    return {
        ("account_move", "sequence_number"): (
            f"CASE sequence_prefix {' '.join(cases)} ELSE sequence_number END",
            params,
        )
    }


def dump_rows(cr, plan_, skip_rows=None, skip_columns=()):
    """Every row of every table of ``plan_`` but the timestamps of when the
    set-up ran, by table, sorted: two set-ups compare row by row.

    :param skip_rows: {table: SQL condition of the rows left out}
    :param skip_columns: (table, column) left out besides the timestamps
    """
    rows = {}
    for table, _low, _span, columns in plan_["tables"]:
        cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND data_type LIKE 'timestamp%%'",
            [table],
        )
        skip = {row[0] for row in cr.fetchall()} | {c for t, c in skip_columns if t == table}
        # A message's Message-Id starts with a random number (the product's too).
        listed = ", ".join(
            f"regexp_replace(\"{name}\", '^<[0-9.]+', '<')" if kind == "message_id" else f'"{name}"'
            for name, kind, _arg in columns
            if name not in skip
        )
        where = f"NOT ({skip_rows[table]})" if table in (skip_rows or {}) else "TRUE"
        cr.execute(f'SELECT {listed} FROM "{table}" WHERE {where} ORDER BY {listed}')
        rows[table] = [[str(value) for value in row] for row in cr.fetchall()]
    return rows
