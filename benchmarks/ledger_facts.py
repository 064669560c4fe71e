# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Ledger facts two ways of posting the same bills must agree on, and their comparison.

Each benchmark path gathers them in its own process (its ids differ from the
other's, so the callers key them by what both share), the parent compares
them. The queries take the lines to count as ``lines``: a ``FROM ... WHERE``
fragment over ``account_move_line l`` joined to ``account_account a``, with
named parameters.
"""

import datetime as dt
import random


def gl_by_account(cr, lines, params):
    """Rows (GL account id, debit, credit, balance, line count) of ``lines``."""
    cr.execute(
        f"""
        SELECT l.account_id, SUM(l.debit), SUM(l.credit), SUM(l.balance), COUNT(*) {lines}
         GROUP BY l.account_id ORDER BY l.account_id
        """,
        params,
    )
    return cr.fetchall()


def aged_receivables(cr, lines, params, as_of):
    """Rows (partner id, bucket of days past due on ``as_of``, residual) of the
    open receivable items of ``lines``."""
    cr.execute(
        f"""
        SELECT l.partner_id,
               CASE WHEN %(as_of)s - l.date_maturity <= 0 THEN 'current'
                    WHEN %(as_of)s - l.date_maturity <= 30 THEN '1-30'
                    WHEN %(as_of)s - l.date_maturity <= 60 THEN '31-60'
                    WHEN %(as_of)s - l.date_maturity <= 90 THEN '61-90'
                    ELSE '90+' END,
               SUM(l.amount_residual) {lines}
           AND a.account_type = 'asset_receivable' AND NOT l.reconciled
         GROUP BY 1, 2
        """,
        dict(params, as_of=as_of),
    )
    return cr.fetchall()


def numbering(cr, where, params):
    """(count, distinct names, lowest and highest sequence number, distinct
    prefixes) of the moves ``account_move WHERE where``."""
    cr.execute(
        f"""
        SELECT count(*), count(DISTINCT name), min(sequence_number), max(sequence_number),
               count(DISTINCT sequence_prefix)
          FROM account_move
         WHERE {where}
        """,
        params,
    )
    return cr.fetchone()


def hash_integrity(env, journal_name):
    """Odoo's own check of the hash chain of the journals whose name holds
    ``journal_name``: the sorted statuses of its report."""
    # Odoo shows the report to accountants only (the caller's transaction is rolled back).
    env.user.sudo().groups_id += env.ref("account.group_account_user")
    report = env.company._check_hash_integrity()
    return sorted(
        {result["status"] for result in report["results"] if journal_name in result["journal_name"]}
    )


def sample(population, size):
    """The same ``size`` items of ``population`` in both paths (seeded), sorted."""
    rng = random.Random(7)
    return sorted(rng.sample(population, min(size, len(population))))


def move_snapshot(cr, move_id, skip, normalize, line_order):
    """Every stored column of a move and of its lines (ordered by ``line_order``)
    but ``skip``, each value through ``normalize(value, column)``."""
    cr.execute("SELECT * FROM account_move WHERE id = %s", [move_id])
    columns = [d[0] for d in cr.description]
    move = {
        c: normalize(v, c) for c, v in zip(columns, cr.fetchone(), strict=True) if c not in skip
    }
    cr.execute(
        f"SELECT * FROM account_move_line WHERE move_id = %s ORDER BY {line_order}", [move_id]
    )
    columns = [d[0] for d in cr.description]
    lines = [
        {c: normalize(v, c) for c, v in zip(columns, row, strict=True) if c not in skip}
        for row in cr.fetchall()
    ]
    return {"move": move, "lines": lines}


def post_in_locked_period(env, lock_date, post):
    """Lock the sales period up to ``lock_date``, then ``post()`` one more bill
    dated in it (rolled back). Returns what happened, in words.

    Neither path may account it inside the locked period: both account it on
    the first open date (``_get_accounting_date``), the writer as ``_post`` does.
    """
    from odoo.exceptions import UserError, ValidationError

    env.flush_all()
    env.cr.execute("SAVEPOINT bench_lock_date")
    try:
        env.company.sale_lock_date = lock_date
        env.flush_all()
        move = post()
        env.flush_all()
        outcome = f"posted on {move.date} (bill date {move.invoice_date})"
    except (UserError, ValidationError) as error:
        outcome = "refused: " + str(error).splitlines()[0]
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_lock_date")
    env.transaction.clear()
    return outcome


def outside_lock(outcome):
    """Whether the outcome of ``post_in_locked_period`` left the locked period alone."""
    if not outcome:
        return False
    if outcome.startswith("refused"):
        return True
    accounted = dt.date.fromisoformat(outcome.split()[2])
    return accounted > dt.date.fromisoformat(outcome.split()[-1].rstrip(")"))


def diff(a, b, path=""):
    """The differences between two facts, one line each, by their path in them."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from diff(a.get(key), b.get(key), f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from diff(x, y, f"{path}[{index}]")
    elif a != b:
        yield f"{path}: {a!r} != {b!r}"
