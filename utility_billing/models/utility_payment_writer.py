# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bulk writer of the journal entries of big payment batches (payment files).

A lockbox file of 10,000 payments is one journal entry of 10,000 lines whose
credits are each reconciled with a bill. Through the ORM, creating that entry
and running ``_reconcile_plan`` costs milliseconds per line (per-line computes,
dynamic-line synchronisation of every bill touched, partials created record by
record): more than registering the payments one by one in the standard way.
This writer gives the same rows with a few statements per batch:

* **entry**: the ORM creates and posts the move as usual (numbering, lock
  dates, balance check) but with its debit line(s) and only its first credit
  line, holding the total of the credits; that posted line is the template of
  the real credit lines, which are written with ``COPY`` (same columns, their
  own account, partner, amounts and utility links) in its place; the customer
  ranks ``_post`` gives the partners of receivable lines are given in one
  statement. Stored computed fields this writer does not know (added by other
  modules) are handed back to the ORM to compute. Journals that hash their
  entries take the ORM path;
* **reconciliation**: each credit line pays exactly one bill item (the poster
  allocated it): Odoo's pre- and post-reconciliation hooks run; the partials,
  the lines' new residuals, the full reconciles of the groups now settled and
  the matching numbers (as ``_update_matching_number`` gives them) are written
  in a few statements; the bills' residual and payment state, and whatever
  else depends on the lines' reconciliation, are recomputed by the ORM in
  batch;
* **allocations**: ``COPY``.

The poster uses it only where its results are Odoo's: one currency, no cash
basis taxes, no analytic distribution model, batches of at least
``FAST_MIN_LINES`` credits; anything else goes through the ORM. The tests post
the same payments both ways and compare every stored column.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from psycopg2 import errors as pgerrors

from odoo import Command, api, models
from odoo.tools import mute_logger

# Below this many credit lines an entry is created through the ORM as usual.
FAST_MIN_LINES = 50
# Context key forcing the ORM path (tests compare both paths).
ORM_PATH = "utility_payment_orm_path"
# Odoo's own flags for entries whose lines need no invoice synchronisation
# (account.partial.reconcile creates its cash basis entries with them).
NO_SYNC = {
    "skip_invoice_sync": True,
    "skip_invoice_line_sync": True,
    "skip_account_move_synchronization": True,
}
# Stored fields of account.move.line the writer sets, or that are the same on
# every line of one move (related to the move, no product, no tax).
LINE_KNOWN = {
    "id", "move_id", "journal_id", "company_id", "company_currency_id", "move_name",
    "parent_state", "date", "invoice_date", "ref", "payment_id", "statement_line_id",
    "statement_id", "sequence", "display_type", "quantity", "price_unit", "product_id",
    "product_uom_id", "currency_id", "account_id", "name", "debit", "credit", "balance",
    "amount_currency", "partner_id", "amount_residual", "amount_residual_currency",
    "reconciled", "price_subtotal", "price_total", "tax_tag_invert", "analytic_distribution",
    "tax_line_id", "tax_group_id", "tax_repartition_line_id", "full_reconcile_id",
    "matching_number", "utility_account_id", "create_uid", "create_date", "write_uid",
    "write_date",
}  # fmt: skip
ALLOCATION_COLUMNS = (
    "payment_id", "payment_line_id", "company_id", "account_id", "bill_id", "service_type_id",
    "amount", "is_active",
)  # fmt: skip


class UtilityPaymentWriter(models.AbstractModel):
    _name = "utility.payment.writer"
    _description = "Bulk writer of payment entries"

    # ------------------------------------------------------------------
    # When
    # ------------------------------------------------------------------
    @api.model
    def _can_write_fast(self, companies):
        """The writer's results are Odoo's for these companies right now."""
        if self.env.context.get(ORM_PATH):
            return False
        if not self.env["utility.sql.writer"]._can_bypass_orm(self._name, companies.sudo()):
            return False
        if any(companies.mapped("tax_exigibility")):
            return False  # cash basis taxes: Odoo writes entries at reconciliation
        return not self.env["account.analytic.distribution.model"].sudo().search_count([], limit=1)

    @api.model
    def _get_skipped_methods(self):
        """Methods whose work the writer does without calling them (see the
        module docstring): the entry is created and posted by the ORM with one
        credit line standing for all (an override of ``create`` or ``_post``
        would see that line only), the other lines are copied, and the
        reconciliation is written without ``_reconcile_plan`` and the
        reconcile models' ``create``. ``_reconcile_pre_hook`` /
        ``_reconcile_post_hook`` (hence ``_invoice_paid_hook``) run.

        :return: {model name: set of method names}
        """
        sql = self.env["utility.sql.writer"]
        return {
            "account.move": {"create", "_post"},
            "account.move.line": {
                "create", "write", "reconcile", "_reconcile_plan", "_reconcile_plan_with_sync",
                "_prepare_reconciliation_plan", "_create_reconciliation_partials",
            }
            | sql._get_compute_methods(
                "account.move.line",
                ["amount_residual", "amount_residual_currency", "reconciled", "matching_number"],
            ),
            "account.partial.reconcile": {"create"},
            "account.full.reconcile": {"create"},
        }  # fmt: skip

    @api.model
    def _is_big(self, vals):
        credits = [cmd for cmd in vals["line_ids"] if not cmd[2].get("debit")]
        return len(credits) >= FAST_MIN_LINES

    # ------------------------------------------------------------------
    # Entries
    # ------------------------------------------------------------------
    @api.model
    def _create_posted_entries(self, vals_list):
        """``account.move.create(vals_list)`` + ``_post``, the credits of each move
        beyond the first written in bulk.

        :param vals_list: values of ``entry`` moves in the company currency whose
            lines are ``Command.create`` dicts with debit or credit
        :return: the posted moves, in the order of ``vals_list``
        """
        Move = self.env["account.move"].sudo().with_context(**NO_SYNC)
        shells, expansions = [], []
        for vals in vals_list:
            lines = [command[2] for command in vals["line_ids"]]
            debits = [line for line in lines if line.get("debit")]
            credits = [line for line in lines if not line.get("debit")]
            template = dict(credits[0], credit=sum(line["credit"] for line in credits))
            shells.append(
                dict(vals, line_ids=[Command.create(line) for line in (*debits, template)])
            )
            expansions.append(credits)
        moves = Move.create(shells)
        # Posted with the template line: numbering, lock dates, balance and the
        # customer rank of its partner; the lines copied from it are posted rows.
        moves._post(soft=False)
        self.env.flush_all()
        self._expand_credit_lines(moves, expansions)
        self._increase_customer_ranks(moves, expansions)
        return moves.with_env(self.env)

    @api.model
    def _increase_customer_ranks(self, moves, expansions):
        """What ``_post`` does for the partners of an entry's receivable lines
        (+1 each, and to their commercial partner), for the partners of the
        copied lines, in a few statements."""
        Partner = self.env["res.partner"].sudo()
        increments = defaultdict(int)
        for credits in expansions:
            receivable = set(
                self.env["account.account"]
                .browse({line["account_id"] for line in credits})
                .filtered(lambda account: account.account_type == "asset_receivable")
                .ids
            )
            partners = Partner.browse(
                {
                    line["partner_id"]
                    for line in credits
                    if line.get("partner_id") and line["account_id"] in receivable
                }
            )
            # The template's partner was counted when the move was posted.
            first = credits[0]
            if first["account_id"] in receivable:
                partners -= Partner.browse(first.get("partner_id"))
            for partner in partners:
                for ranked in partner | partner.commercial_partner_id:
                    increments[ranked.id] += 1
        if not increments:
            return
        by_count = defaultdict(list)
        for partner_id, count in increments.items():
            by_count[count].append(partner_id)
        ranked = Partner.browse(list(increments))
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                self.env.cr.execute(
                    "SELECT id FROM res_partner WHERE id = ANY(%s) FOR NO KEY UPDATE NOWAIT",
                    [ranked.ids],
                )
                for count, partner_ids in by_count.items():
                    self.env.cr.execute(
                        "UPDATE res_partner SET customer_rank = customer_rank + %s "
                        "WHERE id = ANY(%s)",
                        [count, partner_ids],
                    )
        except (pgerrors.LockNotAvailable, pgerrors.SerializationFailure):
            # Another transaction holds some of them: Odoo's own way, partner by
            # partner, skipping the locked ones.
            for count, partner_ids in by_count.items():
                for partner in Partner.browse(partner_ids):
                    partner._increase_rank("customer_rank", count)
            return
        ranked.invalidate_recordset(["customer_rank"])
        ranked.modified(["customer_rank"])

    @api.model
    def _expand_credit_lines(self, moves, expansions):
        """Replace each move's template credit line by its real credit lines."""
        Line = self.env["account.move.line"]
        cr = self.env.cr
        templates = {}
        for move in moves:
            template = move.line_ids.filtered(lambda line: line.credit)
            templates[move.id] = template.id
        cr.execute("SELECT * FROM account_move_line WHERE id = ANY(%s)", [list(templates.values())])
        columns = [desc[0] for desc in cr.description]
        template_rows = {
            row[columns.index("move_id")]: dict(zip(columns, row, strict=True))
            for row in cr.fetchall()
        }
        accounts = self.env["account.account"].browse(
            {line["account_id"] for credits in expansions for line in credits}
        )
        with_residual = {
            account.id
            for account in accounts
            if account.reconcile or account.account_type in ("asset_cash", "liability_credit_card")
        }
        sql = self.env["utility.sql.writer"]
        converters = {}
        rows = []
        for move, credits in zip(moves, expansions, strict=True):
            template = template_rows[move.id]
            currency = move.company_currency_id
            # A field one credit line sets is set (or emptied) on every line: the
            # template's own value (the first credit's) must not leak to the others.
            given = {
                fname
                for vals in credits
                for fname in vals
                if fname in Line._fields
                and Line._fields[fname].store
                and Line._fields[fname].column_type
            }
            for vals in credits:
                row = dict(template)
                for fname in given:
                    row[fname] = sql._column_converter(Line, fname, converters)(vals.get(fname))
                # Decimal cents (the poster's), written as text by COPY: no float.
                amount = Decimal(str(vals["credit"])).quantize(
                    Decimal(str(currency.rounding)), ROUND_HALF_UP
                )
                residual = -amount if vals["account_id"] in with_residual else 0.0
                row.update(
                    debit=0.0,
                    credit=amount,
                    balance=-amount,
                    amount_currency=-amount,
                    amount_residual=residual,
                    amount_residual_currency=residual,
                    reconciled=False,
                    price_subtotal=-amount,
                    price_total=-amount,
                    partner_id=vals.get("partner_id") or None,
                    utility_account_id=move.utility_account_id.id
                    or vals.get("utility_account_id")
                    or None,
                )
                rows.append(row)
        cr.execute("DELETE FROM account_move_line WHERE id = ANY(%s)", [list(templates.values())])
        ids = sql._reserve_ids("account_move_line", len(rows))
        for row, line_id in zip(rows, ids, strict=True):
            row["id"] = line_id
        sql._copy_rows("account_move_line", columns, [tuple(r[c] for c in columns) for r in rows])
        self.env.invalidate_all()
        lines = Line.browse(ids)
        # What other modules compute on a line, the ORM computes.
        for fname in sql._get_unknown_computed("account.move.line", LINE_KNOWN):
            self.env.add_to_compute(Line._fields[fname], lines)
        # The move's totals and residual read its lines: recomputed from the
        # written ones (the lines' own amounts are written as computed).
        lines.modified(["amount_residual", "amount_residual_currency"])
        self.env.flush_all()

    # ------------------------------------------------------------------
    # Reconciliation
    # ------------------------------------------------------------------
    @api.model
    def _can_reconcile_fast(self, pairs):
        """Each credit pays one bill item of the same account, company and currency,
        for at most what the item still owes; and the reconcile models have no
        column the writer does not know."""
        for model, known in (
            ("account.full.reconcile", {"exchange_move_id"}),
            (
                "account.partial.reconcile",
                {
                    "debit_move_id", "credit_move_id", "full_reconcile_id", "exchange_move_id",
                    "debit_currency_id", "credit_currency_id", "amount", "debit_amount_currency",
                    "credit_amount_currency", "company_id", "max_date",
                },
            ),
        ):  # fmt: skip
            Model = self.env[model]
            stored = {
                fname
                for fname, field in Model._fields.items()
                if field.store and field.column_type and fname not in models.MAGIC_COLUMNS
            }
            if stored - known:
                return False
        for credit, item in pairs:
            if (
                credit.account_id != item.account_id
                or credit.company_id != item.company_id
                or credit.currency_id != credit.company_currency_id
                or item.currency_id != item.company_currency_id
                or item.reconciled
                or credit.reconciled
                or item.parent_state != "posted"
                or item.currency_id.compare_amounts(-credit.amount_residual, item.amount_residual)
                > 0
            ):
                return False
        return True

    @api.model
    def _reconcile_pairs(self, pairs):
        """Reconcile each (credit line, bill item) pair, like ``_reconcile_plan``.

        :param pairs: list of (credit account.move.line, debit account.move.line)
        """
        AML = self.env["account.move.line"].sudo()
        all_lines = AML.union(*(credit | item for credit, item in pairs))
        all_lines.fetch(["move_id", "date", "company_id", "amount_residual", "currency_id"])
        pre_hook_data = all_lines._reconcile_pre_hook()
        self.env.flush_all()
        now, uid = self.env.cr.now(), self.env.uid
        residual = {line.id: line.amount_residual for line in all_lines}
        rows = []
        for credit, item in pairs:
            amount = -credit.amount_residual
            residual[item.id] -= amount
            residual[credit.id] += amount
            rows.append(
                (
                    item.id, credit.id, amount, amount, amount, item.currency_id.id,
                    credit.currency_id.id, item.company_id.id, max(item.date, credit.date),
                    uid, uid, now, now,
                )
            )  # fmt: skip
        self.env.cr.execute_values(
            """
            INSERT INTO account_partial_reconcile
                   (debit_move_id, credit_move_id, amount, debit_amount_currency,
                    credit_amount_currency, debit_currency_id, credit_currency_id, company_id,
                    max_date, create_uid, write_uid, create_date, write_date)
            VALUES %s
            """,
            rows,
            page_size=len(rows),
        )
        # The residuals _compute_amount_residual would give (one currency).
        values = []
        for line in all_lines:
            amount = line.currency_id.round(residual[line.id])
            values.append((line.id, amount, line.currency_id.is_zero(amount), uid, now))
        self.env.cr.execute_values(
            """
            UPDATE account_move_line l
               SET amount_residual = v.residual, amount_residual_currency = v.residual,
                   reconciled = v.reconciled, write_uid = v.uid, write_date = v.now
              FROM (VALUES %s) AS v(id, residual, reconciled, uid, now)
             WHERE l.id = v.id
            """,
            values,
            page_size=len(values),
        )
        self._create_full_reconciles(all_lines)
        # What depends on the lines' reconciliation (the bills' residual and payment
        # state, other modules' fields) is recomputed by the ORM, in batch; the
        # lines' own residuals are written above.
        fnames = [
            "matched_debit_ids", "matched_credit_ids", "amount_residual",
            "amount_residual_currency", "reconciled", "full_reconcile_id", "matching_number",
        ]  # fmt: skip
        all_lines.invalidate_recordset(fnames, flush=False)
        self.env["account.partial.reconcile"].invalidate_model(flush=False)
        all_lines.modified(fnames)
        for fname in ("amount_residual", "amount_residual_currency", "reconciled"):
            self.env.remove_to_compute(AML._fields[fname], all_lines)
        self.env.flush_all()
        all_lines._reconcile_post_hook(pre_hook_data)

    @api.model
    def _create_full_reconciles(self, lines):
        """What ``account.full.reconcile.create`` and ``_update_matching_number`` do,
        in a few statements: a full reconcile for every group of lines linked by
        partials that are all reconciled now, and the matching number of every
        group the lines belong to (the full reconcile's id, else ``P`` and the
        group's smallest partial id)."""
        cr = self.env.cr
        partials, seen, frontier = {}, set(lines.ids), set(lines.ids)
        while frontier:
            cr.execute(
                """
                SELECT id, debit_move_id, credit_move_id FROM account_partial_reconcile
                 WHERE (debit_move_id = ANY(%s) OR credit_move_id = ANY(%s))
                   AND full_reconcile_id IS NULL
                """,
                [list(frontier), list(frontier)],
            )
            frontier = set()
            for partial_id, debit_id, credit_id in cr.fetchall():
                partials[partial_id] = (debit_id, credit_id)
                frontier |= {debit_id, credit_id} - seen
            seen |= frontier
        parent = {}

        def find(node):
            while parent.setdefault(node, node) != node:
                parent[node] = parent[parent[node]]
                node = parent[node]
            return node

        for debit_id, credit_id in partials.values():
            parent[find(debit_id)] = find(credit_id)
        groups = defaultdict(lambda: ([], []))
        for partial_id, (debit_id, _credit_id) in partials.items():
            groups[find(debit_id)][1].append(partial_id)
        for line_id in seen:
            groups[find(line_id)][0].append(line_id)
        groups = [group for group in groups.values() if group[1]]
        cr.execute(
            "SELECT id FROM account_move_line WHERE id = ANY(%s) AND reconciled", [list(seen)]
        )
        reconciled = {row[0] for row in cr.fetchall()}
        full_groups = [g for g in groups if all(line_id in reconciled for line_id in g[0])]
        now, uid = cr.now(), self.env.uid
        full_ids = []
        if full_groups:
            cr.execute_values(
                """
                INSERT INTO account_full_reconcile (create_uid, write_uid, create_date, write_date)
                VALUES %s RETURNING id
                """,
                [(uid, uid, now, now)] * len(full_groups),
                page_size=len(full_groups),
            )
            full_ids = sorted(row[0] for row in cr.fetchall())
        full_of = {}
        for (_line_ids, partial_ids), full_id in zip(full_groups, full_ids, strict=True):
            full_of[min(partial_ids)] = full_id
        line_values, partial_values = [], []
        for line_ids, partial_ids in groups:
            full_id = full_of.get(min(partial_ids))
            number = str(full_id) if full_id else f"P{min(partial_ids)}"
            line_values += [(line_id, full_id, number) for line_id in line_ids]
            if full_id:
                partial_values += [(partial_id, full_id) for partial_id in partial_ids]
        cr.execute_values(
            """
            UPDATE account_move_line l
               SET full_reconcile_id = v.full_id, matching_number = v.number
              FROM (VALUES %s) AS v(id, full_id, number)
             WHERE l.id = v.id
            """,
            line_values,
            template="(%s, %s::int, %s)",
            page_size=max(len(line_values), 1),
        )
        if partial_values:
            cr.execute_values(
                """
                UPDATE account_partial_reconcile p SET full_reconcile_id = v.full_id
                  FROM (VALUES %s) AS v(id, full_id)
                 WHERE p.id = v.id
                """,
                partial_values,
                page_size=len(partial_values),
            )
        linked = self.env["account.move.line"].sudo().browse(list(seen))
        linked.invalidate_recordset(["full_reconcile_id", "matching_number"], flush=False)
        linked.modified(["full_reconcile_id", "matching_number"])
        self.env["account.full.reconcile"].invalidate_model(flush=False)

    # ------------------------------------------------------------------
    # Allocations
    # ------------------------------------------------------------------
    @api.model
    def _can_copy_allocations(self):
        Allocation = self.env["utility.payment.allocation"]
        stored = {
            fname
            for fname, field in Allocation._fields.items()
            if field.store and field.column_type and fname not in models.MAGIC_COLUMNS
        }
        return stored <= set(ALLOCATION_COLUMNS) | {"id"}

    @api.model
    def _copy_allocations(self, vals_list):
        """Insert allocation values (the ORM ``create`` values of the poster)."""
        if not vals_list:
            return
        sql = self.env["utility.sql.writer"]
        payments = self.env["utility.payment"].browse({vals["payment_id"] for vals in vals_list})
        company_of = {payment.id: payment.company_id.id for payment in payments}
        now, uid = self.env.cr.now(), self.env.uid
        ids = sql._reserve_ids("utility_payment_allocation", len(vals_list))
        rows = [
            (
                allocation_id,
                vals["payment_id"],
                vals.get("payment_line_id") or None,
                company_of[vals["payment_id"]],
                vals["account_id"],
                vals["bill_id"],
                vals.get("service_type_id") or None,
                vals["amount"],
                vals.get("is_active", True),
                uid,
                uid,
                now,
                now,
            )
            for allocation_id, vals in zip(ids, vals_list, strict=True)
        ]
        sql._copy_rows(
            "utility_payment_allocation",
            ["id", *ALLOCATION_COLUMNS, "create_uid", "write_uid", "create_date", "write_date"],
            rows,
        )
        self.env["utility.payment.allocation"].invalidate_model()
        self.env["utility.payment"].browse(list(company_of)).invalidate_recordset(
            ["allocation_ids"]
        )


class UtilityPaymentPoster(models.AbstractModel):
    """Big batches go through the bulk writer (see the module docstring)."""

    _inherit = "utility.payment.poster"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _create_posted_moves(self, vals_list):
        writer = self.env["utility.payment.writer"]
        journals = self.env["account.journal"].browse({vals["journal_id"] for vals in vals_list})
        # Journals that hash their entries sign the lines at posting: not for the writer.
        eligible = {
            journal.id: (
                not journal.currency_id or journal.currency_id == journal.company_id.currency_id
            )
            and not journal.restrict_mode_hash_table
            for journal in journals
        }
        big = [
            index
            for index, vals in enumerate(vals_list)
            if writer._is_big(vals) and eligible[vals["journal_id"]]
        ]
        if not big or not writer._can_write_fast(journals.company_id):
            return super()._create_posted_moves(vals_list)
        small = [index for index in range(len(vals_list)) if index not in set(big)]
        moves = {}
        fast = writer._create_posted_entries([vals_list[index] for index in big])
        moves.update(zip(big, fast.ids, strict=True))
        if small:
            slow = super()._create_posted_moves([vals_list[index] for index in small])
            moves.update(zip(small, slow.ids, strict=True))
        return self.env["account.move"].browse([moves[index] for index in range(len(vals_list))])

    @api.model
    def _reconcile(self, payments, allocated, moves):
        writer = self.env["utility.payment.writer"]
        credit_lines = moves.sudo().line_ids.filtered("utility_paid_item_id")
        pairs = [(line, line.utility_paid_item_id) for line in credit_lines]
        if (
            len(pairs) < FAST_MIN_LINES
            or not writer._can_write_fast(moves.company_id)
            or not writer._can_reconcile_fast(pairs)
        ):
            return super()._reconcile(payments, allocated, moves)
        writer._reconcile_pairs(pairs)
        return None

    @api.model
    def _create_allocations(self, vals_list):
        writer = self.env["utility.payment.writer"]
        payments = self.env["utility.payment"].browse({vals["payment_id"] for vals in vals_list})
        if (
            len(vals_list) < FAST_MIN_LINES
            or not writer._can_write_fast(payments.company_id)
            or not writer._can_copy_allocations()
        ):
            return super()._create_allocations(vals_list)
        self.env["utility.payment.allocation"].check_access("create")
        writer._copy_allocations(vals_list)
        return None
