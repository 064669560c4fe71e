# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Aged receivables by service: the one grouped query's time on a city.

    .venv/bin/python benchmarks/bench_receivable_aging.py --db <set-up db>
        [--date 2025-01-20,2025-02-10] [--repeat 3]

Runs on a kept set-up of ``bench_delinquency_run.py`` (``--keep-bench-db
--setup-only``: N accounts, a December and a January bill each of water,
sewer and garbage, lockbox payments with 60 % paid in full, 20 % December
only, 10 % nothing, 10 % December and half of January). Computes the aging
of each ``--date`` (a day before the payments sees them unmatched) and of the
day after the last posted entry ``--repeat`` times, each rolled back, and
prints the best time, the lines written and the total against the receivable
balance in the ledger (they must be equal to the cent). Nothing is committed.
"""

import datetime as dt
import time

import bench_common


def main():
    parser = bench_common.argument_parser(__doc__, 0)
    parser.add_argument("--date", default="2025-01-20,2025-02-10")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cr, env = bench_common.admin_env(args.config, args.db)
    env = bench_common.quiet(env)
    cr.execute("SELECT count(*) FROM utility_account")
    accounts = cr.fetchone()[0]
    cr.execute("SELECT max(date) FROM account_move_line WHERE parent_state = 'posted'")
    last = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM account_move_line")
    items = cr.fetchone()[0]
    print(f"{args.db}: {accounts} accounts, {items} journal items, last entry {last}")
    days = [dt.date.fromisoformat(day) for day in args.date.split(",")]
    for day in [*days, last + dt.timedelta(days=1)]:
        best = None
        for _ in range(args.repeat):
            cr.execute("SAVEPOINT bench")
            aging = env["utility.receivable.aging"].create({"date_aging": day})
            started = time.perf_counter()
            aging._compute_lines()
            elapsed = time.perf_counter() - started
            facts = (aging.line_count, aging.amount_total, aging.amount_ledger)
            cr.execute("ROLLBACK TO SAVEPOINT bench")
            env.invalidate_all()
            best = elapsed if best is None else min(best, elapsed)
        lines, total, ledger = facts
        print(
            f"as of {day}: {best:.2f} s (best of {args.repeat}), {lines} lines, "
            f"total {total:,.2f}, ledger {ledger:,.2f}, difference {ledger - total:,.2f}"
        )
    cr.rollback()
    cr.close()


if __name__ == "__main__":
    main()
