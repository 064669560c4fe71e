# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Post utility payments in batch: allocate, write the entries, reconcile.

A fixed number of queries whatever the number of payments:

1. lock the open receivable items of every account paid (two cashiers paying
   the same account one after the other allocate against what the first left);
2. read those items, what each bill charged per service and what earlier
   payments already paid per service, and build the open buckets
   (``lib/allocation.py``);
3. allocate every payment line, in the order of the batch;
4. create the journal entries in one ``create`` (one per payment, or one per
   group key such as a lockbox file): one debit for the money received, one
   receivable credit per bill paid, one for what is left as credit, one per
   miscellaneous receipt;
5. reconcile each receivable credit with its bill in one reconciliation plan.
"""

from collections import defaultdict
from decimal import Decimal

from odoo import Command, api, models
from odoo.exceptions import UserError

from ..lib import allocation
from .utility_locked_fields_mixin import as_action

# Entry lines carry Decimal debits and credits (both sides: Odoo subtracts one
# from the other); Odoo's own columns take them as they take any amount.
ZERO = Decimal(0)


def _dec(value, currency):
    return Decimal(str(currency.round(value)))


class UtilityPaymentPoster(models.AbstractModel):
    _name = "utility.payment.poster"
    _description = "Utility Payment Poster"

    @api.model
    def _post(self, payments):
        """Post draft ``payments``; raise one error listing every problem."""
        if not payments:
            return payments
        payments.check_access("write")
        payments.fetch(["state", "company_id", "date", "source", "journal_id", "partner_id"])
        payments.line_ids.fetch(["account_id", "misc_type_id", "amount", "name"])
        self._check_payments(payments)
        # Checked: from here the poster writes what only posting writes.
        return as_action(self)._post_checked(as_action(payments))

    @api.model
    def _post_checked(self, payments):
        lines = payments.line_ids
        accounts = lines.account_id
        buckets = self._get_open_buckets(accounts)
        policy = payments.company_id[:1].utility_payment_allocation or allocation.OLDEST
        allocated = {}
        for line in lines.filtered("account_id"):
            currency = line.currency_id
            result, credit = allocation.allocate(
                _dec(line.amount, currency), buckets[line.account_id.id], policy
            )
            allocated[line.id] = (result, credit)
        payments._assign_receipt_numbers()
        moves = self._create_moves(payments, allocated)
        self._reconcile(payments, allocated, moves)
        self._write_allocations(payments, allocated)
        return payments

    @api.model
    def _check_payments(self, payments):
        problems = []
        for payment in payments:
            label = payment.display_name
            if payment.state != "draft":
                problems.append(
                    self.env._("%(payment)s is already %(state)s.", payment=label,
                               state=payment.state)
                )  # fmt: skip
            if not payment.line_ids:
                problems.append(self.env._("%(payment)s pays nothing.", payment=label))
            for line in payment.line_ids:
                if line.misc_type_id and not line.misc_type_id.account_id:
                    problems.append(
                        self.env._(
                            "%(payment)s: receipt type %(type)s has no credit account.",
                            payment=label,
                            type=line.misc_type_id.display_name,
                        )
                    )
            if payment.line_ids.account_id.company_id - payment.company_id:
                problems.append(
                    self.env._("%(payment)s pays an account of another company.", payment=label)
                )
        if problems:
            raise UserError("\n".join(problems))

    # ------------------------------------------------------------------
    # Open charges
    # ------------------------------------------------------------------
    @api.model
    def _get_open_buckets(self, accounts):
        """Open buckets of every account, by account id (a fixed number of queries)."""
        buckets = defaultdict(list)
        if not accounts:
            return buckets
        AML = self.env["account.move.line"]
        AML.flush_model()
        # Lock the open items: a concurrent payment on the same account waits
        # for this one and then allocates against what it left.
        self.env.cr.execute(
            """
            SELECT l.id FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
             WHERE l.utility_account_id = ANY(%s)
               AND a.account_type = 'asset_receivable'
               AND l.parent_state = 'posted'
               AND NOT l.reconciled
               AND l.amount_residual > 0
             ORDER BY l.id
               FOR UPDATE OF l
            """,
            [accounts.ids],
        )
        items = AML.browse([row[0] for row in self.env.cr.fetchall()])
        if not items:
            return buckets
        items.invalidate_recordset(["amount_residual", "reconciled"])
        items.fetch(["move_id", "utility_account_id", "amount_residual", "date_maturity", "date"])
        bills = items.move_id
        charged = defaultdict(lambda: defaultdict(Decimal))
        for move, service_type, total in AML._read_group(
            [("move_id", "in", bills.ids), ("display_type", "=", "product")],
            ["move_id", "utility_service_type_id"],
            ["price_total:sum"],
        ):
            charged[move.id][service_type.id] += Decimal(str(total))
        paid = defaultdict(Decimal)
        for bill, service_type, total in self.env["utility.payment.allocation"]._read_group(
            [("bill_id", "in", bills.ids), ("is_active", "=", True)],
            ["bill_id", "service_type_id"],
            ["amount:sum"],
        ):
            paid[bill.id, service_type.id] += Decimal(str(total))
        priorities = {
            service_type.id: service_type.payment_priority
            for service_type in self.env["utility.service.type"].search([])
        }
        policy = accounts.company_id[:1].utility_payment_allocation or allocation.OLDEST
        for item in items:
            move = item.move_id
            date_due = item.date_maturity or item.date
            per_service = charged.get(move.id) or {False: Decimal(0)}
            bill_buckets = [
                allocation.Bucket(
                    key=(item.id, service_type_id),
                    bill=f"{date_due}/{move.id:012d}/{item.id:012d}",
                    date_due=date_due,
                    date=item.date,
                    priority=priorities.get(service_type_id, 0),
                    amount=amount,
                )
                for service_type_id, amount in per_service.items()
            ]
            allocation.open_buckets(
                bill_buckets,
                {(item.id, st): paid.get((move.id, st), Decimal(0)) for st in per_service},
                _dec(item.amount_residual, item.currency_id),
                policy,
            )
            buckets[item.utility_account_id.id] += bill_buckets
        return buckets

    # ------------------------------------------------------------------
    # Journal entries
    # ------------------------------------------------------------------
    @api.model
    def _get_outstanding_receipts_account(self, journal):
        """The account money received on ``journal`` waits on until the bank
        statement reconciles it (Odoo's Outstanding Receipts)."""
        account = self._find_outstanding_account(journal, "inbound")
        if not account:
            raise UserError(
                self.env._(
                    "No outstanding receipts account for journal %(journal)s: set one on its "
                    "incoming payment method.",
                    journal=journal.display_name,
                )
            )
        return account

    @api.model
    def _find_outstanding_account(self, journal, direction):
        """Where money moving on ``journal`` waits for the bank statement, as
        Odoo's payments find it: the journal's payment method of that
        direction, else the chart's default, else the company's transfer
        account.

        :param direction: "inbound" (Outstanding Receipts) or "outbound"
            (Outstanding Payments)
        :return: account.account, empty when there is none
        """
        method_lines = journal[f"{direction}_payment_method_line_ids"]
        account = method_lines.payment_account_id[:1]
        if account:
            return account
        company = journal.company_id or self.env.company
        template = self.with_context(allowed_company_ids=company.root_id.ids).env[
            "account.chart.template"
        ]
        default = {
            "inbound": "account_journal_payment_debit_account_id",
            "outbound": "account_journal_payment_credit_account_id",
        }[direction]
        return template.ref(default, raise_if_not_found=False) or company.transfer_account_id

    @api.model
    def _create_moves(self, payments, allocated):
        groups = defaultdict(lambda: self.env["utility.payment"])
        for payment in payments:
            groups[payment._get_move_group_key()] |= payment
        items = self.env["account.move.line"].browse(
            {bucket.key[0] for result, _credit in allocated.values() for bucket, _amount in result}
        )
        items.fetch(["account_id", "partner_id", "move_id"])
        # The bills' numbers go in the line labels: one query, not one per bill.
        items.move_id.fetch(["name"])
        vals_list = []
        group_payments = []
        for group in groups.values():
            vals_list.append(self._prepare_move_vals(group, allocated))
            group_payments.append(group)
        moves = self._create_posted_moves(vals_list)
        for group, move in zip(group_payments, moves, strict=True):
            group.write(
                {
                    "move_id": move.id,
                    "journal_id": move.journal_id.id,
                    "state": "posted",
                }
            )
        return moves

    @api.model
    def _create_posted_moves(self, vals_list):
        """Create and post the payment entries (a bulk writer may take over big ones)."""
        moves = self.env["account.move"].sudo().create(vals_list)
        moves._post(soft=False)
        return moves

    @api.model
    def _prepare_move_vals(self, group, allocated):
        first = group[0]
        journal = first._get_journal()
        currency = first.currency_id
        lines = []
        # Exact cents: a file's thousands of payments are added in Decimal, not float.
        total = Decimal(0)
        for payment in group:
            for pline in payment.line_ids:
                total += _dec(pline.amount, currency)
                lines += self._prepare_credit_line_vals(payment, pline, allocated)
        partners = group.partner_id | group.line_ids.account_id.partner_id
        lines.insert(
            0,
            Command.create(
                {
                    "name": first._get_move_label()
                    if len(group) == 1
                    else group._get_group_label(),
                    "account_id": first._get_debit_account().id,
                    "partner_id": partners.id if len(partners) == 1 else False,
                    "debit": total,
                    "credit": ZERO,
                    "utility_payment_id": first.id if len(group) == 1 else False,
                }
            ),
        )
        accounts = group.line_ids.account_id
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "date": first.date,
            "ref": first._get_move_label() if len(group) == 1 else group._get_group_label(),
            "utility_account_id": accounts.id if len(accounts) == 1 else False,
            "line_ids": lines,
        }

    @api.model
    def _prepare_credit_line_vals(self, payment, pline, allocated):
        label = payment._get_move_label()
        if pline.misc_type_id:
            return [
                Command.create(
                    {
                        "name": pline.name or f"{label} {pline.misc_type_id.name}",
                        "account_id": pline.misc_type_id.account_id.id,
                        "partner_id": payment.partner_id.id,
                        "credit": _dec(pline.amount, payment.currency_id),
                        "debit": ZERO,
                        "utility_payment_id": payment.id,
                    }
                )
            ]
        account = pline.account_id
        result, credit = allocated[pline.id]
        per_item = defaultdict(Decimal)
        for bucket, amount in result:
            per_item[bucket.key[0]] += amount
        items = self.env["account.move.line"].browse(list(per_item))
        vals = [
            Command.create(
                {
                    "name": f"{label} {account.name} {item.move_id.name}",
                    "account_id": item.account_id.id,
                    "partner_id": item.partner_id.id,
                    "credit": per_item[item.id],
                    "debit": ZERO,
                    "utility_account_id": account.id,
                    "utility_payment_id": payment.id,
                    "utility_paid_item_id": item.id,
                }
            )
            for item in items
        ]
        if credit > 0:
            partner = account.partner_id
            vals.append(
                Command.create(
                    {
                        "name": self.env._("%(label)s %(account)s credit", label=label,
                                           account=account.name),
                        "account_id": partner.with_company(
                            payment.company_id
                        ).property_account_receivable_id.id,
                        "partner_id": partner.id,
                        "credit": credit,
                        "debit": ZERO,
                        "utility_account_id": account.id,
                        "utility_payment_id": payment.id,
                    }
                )
            )  # fmt: skip
        return vals

    # ------------------------------------------------------------------
    # Reconciliation and allocations
    # ------------------------------------------------------------------
    @api.model
    def _reconcile(self, payments, allocated, moves):
        credit_lines = moves.line_ids.filtered("utility_paid_item_id")
        plan = [line | line.utility_paid_item_id for line in credit_lines]
        if plan:
            self.env["account.move.line"].sudo()._reconcile_plan(plan)

    @api.model
    def _write_allocations(self, payments, allocated):
        vals_list = []
        lines = payments.line_ids.filtered("account_id")
        items = self.env["account.move.line"].browse(
            {b.key[0] for result, _c in allocated.values() for b, _a in result}
        )
        bill_of = {item.id: item.move_id.id for item in items}
        lines_by_credit = defaultdict(list)
        for line in lines:
            result, credit = allocated[line.id]
            lines_by_credit[credit].append(line.id)
            vals_list += [
                {
                    "payment_id": line.payment_id.id,
                    "payment_line_id": line.id,
                    "account_id": line.account_id.id,
                    "bill_id": bill_of[bucket.key[0]],
                    "service_type_id": bucket.key[1] or False,
                    "amount": amount,
                }
                for bucket, amount in result
            ]
        # One write per amount left as credit (most are zero), not one per line.
        for credit, line_ids in lines_by_credit.items():
            lines.browse(line_ids).amount_credit = credit
        self._create_allocations(vals_list)

    @api.model
    def _create_allocations(self, vals_list):
        """Record the allocations (a bulk writer may take over big batches)."""
        as_action(self.env["utility.payment.allocation"]).sudo().create(vals_list)

    # ------------------------------------------------------------------
    # Credits
    # ------------------------------------------------------------------
    @api.model
    def _apply_open_credits(self, accounts):
        """Settle open bills of ``accounts`` with their open credits.

        An overpayment (or a credit note) leaves a credit on the account; when
        the next bill posts, the credit pays it, oldest bill first, so the
        bill shows paid and the aging reports do not list both an open bill
        and an open credit. What a payment's credit paid is recorded in its
        allocations like the rest of the payment.

        :return: the bills (account.move) that credits paid something on
        """
        AML = self.env["account.move.line"]
        if not accounts:
            return self.env["account.move"]
        AML.flush_model()
        self.env.cr.execute(
            """
            SELECT l.utility_account_id FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
             WHERE l.utility_account_id = ANY(%s)
               AND a.account_type = 'asset_receivable'
               AND l.parent_state = 'posted' AND NOT l.reconciled
             GROUP BY l.utility_account_id
            HAVING bool_or(l.amount_residual < 0) AND bool_or(l.amount_residual > 0)
            """,
            [accounts.ids],
        )
        with_both = self.env["utility.account"].browse([row[0] for row in self.env.cr.fetchall()])
        if not with_both:
            return self.env["account.move"]
        buckets = self._get_open_buckets(with_both)
        credits = AML.search(
            [
                ("utility_account_id", "in", with_both.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "<", 0),
            ],
            order="date, id",
        )
        items = AML.browse(
            {bucket.key[0] for account_buckets in buckets.values() for bucket in account_buckets}
        )
        before = {item.id: item.amount_residual for item in items}
        old_partials = credits.matched_debit_ids
        plan = [
            credits.filtered(lambda c, a=account: c.utility_account_id == a)
            | items.filtered(lambda i, a=account: i.utility_account_id == a)
            for account in with_both
        ]
        AML.sudo()._reconcile_plan(plan)
        items.invalidate_recordset(["amount_residual"])
        credits.invalidate_recordset(["matched_debit_ids"])
        new_partials = credits.matched_debit_ids - old_partials
        self._write_credit_allocations(new_partials, buckets)
        return items.filtered(lambda i: i.amount_residual != before[i.id]).move_id

    @api.model
    def _write_credit_allocations(self, partials, buckets):
        """Allocations of the payments whose credit paid bills (by service)."""
        policy = partials.company_id[:1].utility_payment_allocation or allocation.OLDEST
        item_buckets = defaultdict(list)
        for account_buckets in buckets.values():
            for bucket in account_buckets:
                item_buckets[bucket.key[0]].append(bucket)
        vals_list = []
        for partial in partials.filtered("credit_move_id.utility_payment_id"):
            credit = partial.credit_move_id
            result, _left = allocation.allocate(
                _dec(partial.amount, credit.company_currency_id),
                item_buckets[partial.debit_move_id.id],
                policy,
            )
            vals_list += [
                {
                    "payment_id": credit.utility_payment_id.id,
                    "account_id": credit.utility_account_id.id,
                    "bill_id": partial.debit_move_id.move_id.id,
                    "service_type_id": bucket.key[1] or False,
                    "amount": amount,
                }
                for bucket, amount in result
            ]
        as_action(self.env["utility.payment.allocation"]).sudo().create(vals_list)
