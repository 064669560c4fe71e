# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Move-in, move-out, transfer and landlord revert on customer accounts.

The wizards only gather what the clerk types; the work is done here, on
recordsets, so a work order or the portal can start and stop service too.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

CSR_GROUP = "utility_billing.group_utility_csr"
BILLING_GROUP = "utility_billing.group_utility_billing"

SETTLEMENTS = [
    ("refund", "Refund the credit"),
    ("keep", "Leave it on the account"),
    ("transfer", "Transfer to another account"),
]


class UtilityAccount(models.Model):
    _name = "utility.account"
    _inherit = ["utility.account", "utility.letter.mixin"]

    # ------------------------------------------------------------------
    # Lifecycle
    # ------------------------------------------------------------------
    is_landlord_revert = fields.Boolean(
        string="Owner Revert",
        readonly=True,
        copy=False,
        help="Opened in the owner's name when the last tenant moved out; the next move-in "
        "final-bills it and service returns to the new tenant.",
    )
    previous_account_id = fields.Many2one(
        "utility.account",
        string="Previous Account at Premise",
        readonly=True,
        copy=False,
        help="The account this one followed at the premise (history across tenants).",
    )
    transfer_move_ids = fields.One2many(
        "account.move",
        "utility_transfer_account_id",
        string="Balance Transfers",
        readonly=True,
    )
    refund_payment_ids = fields.One2many(
        "account.payment",
        "utility_account_id",
        string="Refunds",
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Move-in
    # ------------------------------------------------------------------
    @api.model
    def _move_in(self, location, partner, date_start, services, opening_reads=None, **values):
        """Open an account for ``partner`` at ``location`` from ``date_start``.

        The premise's installed meters are taken over as they are: each metered
        service gets an opening (*initial*) reading on the start date, unless the
        meter was already read that day (the last tenant's final reading), so
        nothing between the tenants is billed to the newcomer. An owner's revert
        account still open on the premise is final-billed on the start date first.

        :param services: list of dicts of ``utility.account.service`` values
            (service type, rate schedule, meter, carts, ERUs)
        :param opening_reads: dict meter id -> register value on the start date
        :param values: more values of the account (mailing address, flags)
        :return: the new account, active
        """
        if not self.env.user.has_group(CSR_GROUP):
            raise AccessError(self.env._("Only customer service staff start service."))
        opening_reads = opening_reads or {}
        # Computed without dependencies: read it from the database now.
        location.invalidate_recordset(["current_account_id", "last_account_id"])
        self._check_move_in(location, partner, date_start, services, opening_reads)
        revert = location.current_account_id.filtered("is_landlord_revert")
        if revert:
            revert._move_out(date_start, final_reads=opening_reads)
        previous = self.search(
            [("location_id", "=", location.id), ("id", "not in", revert.ids)],
            order="date_end desc, id desc",
            limit=1,
        )
        account = self.create(
            {
                "partner_id": partner.id,
                "location_id": location.id,
                "company_id": location.company_id.id,
                "date_start": date_start,
                "previous_account_id": (revert or previous).id,
                **values,
                "service_ids": [
                    Command.create({**service, "date_start": date_start}) for service in services
                ],
            }
        )
        account._create_opening_readings(date_start, opening_reads)
        account.action_activate()
        account.message_post(
            body=self.env._(
                "Service started on %(date)s at %(premise)s.",
                date=format_date(self.env, date_start),
                premise=location.display_name,
            )
        )
        return account

    @api.model
    def _check_move_in(self, location, partner, date_start, services, opening_reads):
        """Raise one error listing every reason the move-in cannot be made."""
        problems = []
        if not partner:
            problems.append(self.env._("Choose the customer or enter the new customer's name."))
        if not date_start:
            problems.append(self.env._("Enter the start date."))
        if not services:
            problems.append(self.env._("Add at least one service."))
        current = location.current_account_id
        if current and not current.is_landlord_revert:
            problems.append(
                self.env._(
                    "%(premise)s still has the open account %(account)s: move that customer "
                    "out first.",
                    premise=location.display_name,
                    account=current.display_name,
                )
            )
        last_end = max(
            (a.date_end for a in location.account_ids - current if a.date_end), default=None
        )
        if date_start and last_end and date_start < last_end:
            problems.append(
                self.env._(
                    "The last customer at %(premise)s had service until %(date)s: the start "
                    "date cannot be earlier.",
                    premise=location.display_name,
                    date=format_date(self.env, last_end),
                )
            )
        if current.is_landlord_revert and date_start and date_start <= current.date_start:
            problems.append(
                self.env._(
                    "The owner's account %(account)s starts on %(date)s: the start date must "
                    "be later.",
                    account=current.display_name,
                    date=format_date(self.env, current.date_start),
                )
            )
        Meter = self.env["utility.meter"]
        types = self.env["utility.service.type"].browse(
            [service.get("service_type_id") for service in services]
        )
        for service, service_type in zip(services, types, strict=True):
            meter = Meter.browse(service.get("meter_id"))
            if service_type.is_metered and not meter:
                problems.append(
                    self.env._(
                        "%(service)s is metered: choose its meter.", service=service_type.name
                    )
                )
            elif meter and meter.location_id != location:
                problems.append(
                    self.env._(
                        "Meter %(meter)s is not installed at %(premise)s.",
                        meter=meter.name,
                        premise=location.display_name,
                    )
                )
        meters = Meter.browse({s["meter_id"] for s in services if s.get("meter_id")})
        if date_start:
            problems += self._get_opening_read_problems(meters, date_start, opening_reads)
        if problems:
            raise UserError(
                self.env._(
                    "Service was not started:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )

    @api.model
    def _get_opening_read_problems(self, meters, date_start, opening_reads):
        """An opening reading is needed unless the meter was read on the start
        date; it cannot be below the meter's last reading (no rollover at a
        move-in: the reader reads again)."""
        Reading = self.env["utility.meter.reading"]
        on_day = Reading.search(
            [
                ("meter_id", "in", meters.ids),
                ("date", "=", date_start),
                ("state", "!=", "cancelled"),
            ]
        )
        problems = []
        for meter in meters - on_day.meter_id:
            value = opening_reads.get(meter.id)
            if value is None:
                problems.append(
                    self.env._(
                        "Meter %(meter)s: enter the opening reading.",
                        meter=meter.name,
                    )
                )
            elif meter.last_reading_date and meter.last_reading_date > date_start:
                problems.append(
                    self.env._(
                        "Meter %(meter)s was read on %(date)s, after the start date.",
                        meter=meter.name,
                        date=format_date(self.env, meter.last_reading_date),
                    )
                )
            elif value < 0 or (meter.last_reading_id and value < meter.last_reading_value):
                problems.append(
                    self.env._(
                        "Meter %(meter)s: the opening reading %(value)s is below the last "
                        "reading (%(last)s on %(date)s).",
                        meter=meter.name,
                        value=value,
                        last=meter.last_reading_value,
                        date=format_date(self.env, meter.last_reading_date),
                    )
                )
        return problems

    def _create_opening_readings(self, date_start, opening_reads):
        """Initial readings of the metered services on the start date, in one create."""
        self.ensure_one()
        services = self.service_ids.filtered("meter_id")
        read = (
            self.env["utility.meter.reading"]
            .search(
                [
                    ("meter_id", "in", services.meter_id.ids),
                    ("date", "=", date_start),
                    ("state", "!=", "cancelled"),
                ]
            )
            .meter_id
        )
        return self.env["utility.meter.reading"].create(
            [
                {
                    "meter_id": service.meter_id.id,
                    "service_id": service.id,
                    "date": date_start,
                    "value": opening_reads[service.meter_id.id],
                    "read_type": "initial",
                    "note": self.env._("Opening reading (move-in)."),
                }
                for service in services
                if service.meter_id not in read
            ]
        )

    # ------------------------------------------------------------------
    # Move-out
    # ------------------------------------------------------------------
    def _move_out(
        self,
        date_end,
        final_reads=None,
        *,
        forwarding=None,
        settlement="keep",
        transfer_account=None,
        revert_to_owner=False,
        refund_journal=None,
    ):
        """Stop service on ``date_end``: final bill, credit refunded or balance moved.

        1. the forwarding address becomes the account's mailing address, so the
           final bill and every letter after it go there;
        2. the final bill, prorated to the day, with the final readings;
        3. what is left: a credit refunded (a customer refund payment out of the
           bank journal) or left; a balance left for collections or transferred
           to ``transfer_account`` (the customer's new account);
        4. with ``revert_to_owner``, service continues in the premise owner's
           name from ``date_end`` (the final readings open it).

        :param final_reads: dict meter id -> final register value
        :param forwarding: dict of res.partner address values (street, city...)
        :return: the final bill (account.move)
        """
        self.ensure_one()
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(
                self.env._(
                    "Only billing specialists stop service: the final bill is a special bill."
                )
            )
        final_reads = final_reads or {}
        self._check_move_out(date_end, settlement, transfer_account, revert_to_owner)
        if forwarding:
            self._set_forwarding_address(forwarding)
        owner_services = self._prepare_revert_services() if revert_to_owner else []
        bill = self._post_final_bill(date_end, final_reads)
        # Credits the city holds for the customer (deposits) pay the final bill.
        self._apply_move_out_credits(date_end)
        if settlement == "refund":
            self._refund_credit(date_end, refund_journal)
        elif settlement == "transfer":
            self._transfer_balance(transfer_account, date_end)
        if revert_to_owner:
            self._revert_to_owner(date_end, owner_services)
        return bill

    def _check_move_out(self, date_end, settlement, transfer_account, revert_to_owner):
        problems = []
        if not date_end:
            problems.append(self.env._("Enter the move-out date."))
        elif self.date_start and date_end <= self.date_start:
            problems.append(
                self.env._(
                    "%(account)s started on %(date)s: the move-out date must be later.",
                    account=self.display_name,
                    date=format_date(self.env, self.date_start),
                )
            )
        if self.state != "active":
            problems.append(
                self.env._(
                    "Only an active account can be moved out; %(account)s is %(state)s.",
                    account=self.display_name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        if settlement == "transfer":
            if not transfer_account:
                problems.append(self.env._("Choose the account the balance goes to."))
            elif transfer_account == self or transfer_account.state not in ("pending", "active"):
                problems.append(
                    self.env._(
                        "The balance can only go to another open account, not %(account)s.",
                        account=transfer_account.display_name,
                    )
                )
            elif transfer_account.company_id != self.company_id:
                problems.append(self.env._("The balance cannot go to another company's account."))
        if revert_to_owner and not self.location_id.owner_id:
            problems.append(
                self.env._(
                    "%(premise)s has no owner: enter the owner on the premise first.",
                    premise=self.location_id.display_name,
                )
            )
        if problems:
            raise UserError(
                self.env._(
                    "The customer was not moved out:\n%(problems)s",
                    problems="\n".join(f"- {problem}" for problem in problems),
                )
            )

    def _set_forwarding_address(self, forwarding):
        """The forwarding address, kept as a contact of the customer, becomes the
        mailing address: the final bill and the refund go there."""
        self.ensure_one()
        address = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": self.env._("Forwarding address"),
                    "type": "other",
                    "parent_id": self.partner_id.commercial_partner_id.id,
                    **forwarding,
                }
            )
        )
        self.mailing_partner_id = address
        return address

    def _post_final_bill(self, date_end, final_reads):
        """The final bill (readings, proration, exactly-once periods) by the special
        bills' own method."""
        self.ensure_one()
        services = self.service_ids.filtered(
            lambda s: s.meter_id and s.state == "active" and s.meter_id.id in final_reads
        )
        return self._action_final_bill(
            date_end,
            reading_values={s.id: final_reads[s.meter_id.id] for s in services},
            date_invoice=date_end,
        )

    # ------------------------------------------------------------------
    # Money left at move-out
    # ------------------------------------------------------------------
    def _get_open_receivables(self):
        return self.env["account.move.line"].search(
            [
                ("utility_account_id", "in", self.ids),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ],
            order="date, id",
        )

    def _refund_credit(self, date, journal=None):
        """Pay the account's open credit back to the customer: an outbound customer
        payment from the bank journal, reconciled with the credit.

        :return: the refund payments (account.payment)
        """
        Payment = self.env["account.payment"].sudo()
        refunds = Payment
        self.env.flush_all()
        self.invalidate_recordset(["amount_balance"])
        for account in self:
            credit = -account.amount_balance
            if account.currency_id.compare_amounts(credit, 0) <= 0:
                continue
            bank = journal or self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(account.company_id),
                    ("type", "=", "bank"),
                ],
                limit=1,
            )
            if not bank:
                raise UserError(self.env._("Set up a bank journal to pay refunds from."))
            payment = Payment.create(
                {
                    "payment_type": "outbound",
                    "partner_type": "customer",
                    "partner_id": account.partner_id.id,
                    "amount": credit,
                    "date": date,
                    "journal_id": bank.id,
                    "company_id": account.company_id.id,
                    "memo": self.env._(
                        "Refund of credit, account %(account)s", account=account.name
                    ),
                    "utility_account_id": account.id,
                }
            )
            payment.action_post()
            payment.move_id.utility_account_id = account
            lines = payment.move_id.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            (lines | account._get_open_receivables()).filtered(
                lambda line, receivable=lines.account_id: line.account_id == receivable
            ).reconcile()
            account.message_post(
                body=self.env._(
                    "Credit of %(amount)s refunded to the customer (%(payment)s).",
                    amount=format_amount(self.env, credit, account.currency_id),
                    payment=payment.name,
                )
            )
            refunds |= payment
        return refunds

    def _transfer_balance(self, target, date):
        """Move what this account owes (or holds as credit) to ``target``: one journal
        entry crediting this account's receivable and debiting the target's,
        reconciled here, so both accounts' balances stay read from the ledger.

        :return: the transfer entry, or an empty recordset when nothing is owed
        """
        self.ensure_one()
        self.env.flush_all()
        open_items = self._get_open_receivables()
        amount = sum(open_items.mapped("amount_residual"))
        if self.currency_id.is_zero(amount):
            return self.env["account.move"]
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "general"),
            ],
            limit=1,
        )
        label = self.env._(
            "Balance transferred from %(origin)s to %(target)s",
            origin=self.name,
            target=target.name,
        )
        by_receivable = defaultdict(float)
        for item in open_items:
            by_receivable[item.account_id] += item.amount_residual
        line_vals = []
        for receivable, balance in by_receivable.items():
            line_vals += [
                Command.create(
                    {
                        "name": label,
                        "account_id": receivable.id,
                        "partner_id": self.partner_id.id,
                        "utility_account_id": self.id,
                        "balance": -balance,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": receivable.id,
                        "partner_id": target.partner_id.id,
                        "utility_account_id": target.id,
                        "balance": balance,
                        "date_maturity": date,
                    }
                ),
            ]
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": label,
                    "utility_transfer_account_id": self.id,
                    "line_ids": line_vals,
                }
            )
        )
        move.action_post()
        out_lines = move.line_ids.filtered(lambda line: line.utility_account_id == self)
        for receivable in by_receivable:
            (
                out_lines.filtered(lambda line, r=receivable: line.account_id == r)
                | open_items.filtered(lambda line, r=receivable: line.account_id == r)
            ).reconcile()
        body = Markup("<p>%s: %s</p>") % (
            label,
            format_amount(self.env, amount, self.currency_id),
        )
        self.message_post(body=body)
        target.message_post(body=body)
        self.env["utility.payment.poster"]._apply_open_credits(target)
        return move

    # ------------------------------------------------------------------
    # Landlord revert
    # ------------------------------------------------------------------
    def _prepare_revert_services(self):
        """Services the owner takes over: the tenant's running ones, same meters."""
        self.ensure_one()
        return self.location_id._prepare_services_from(self)

    def _revert_to_owner(self, date_start, services):
        """Open the premise owner's account from the tenant's move-out date."""
        self.ensure_one()
        owner = self.location_id.owner_id
        account = self.create(
            {
                "partner_id": owner.id,
                "location_id": self.location_id.id,
                "company_id": self.company_id.id,
                "date_start": date_start,
                "previous_account_id": self.id,
                "is_landlord_revert": True,
                "service_ids": [
                    Command.create({**service, "date_start": date_start}) for service in services
                ],
            }
        )
        account.action_activate()
        account.message_post(
            body=self.env._(
                "Service reverted to the owner on %(date)s after %(account)s moved out.",
                date=format_date(self.env, date_start),
                account=self.name,
            )
        )
        return account

    # ------------------------------------------------------------------
    # Letters
    # ------------------------------------------------------------------
    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_move_out(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Move Out"),
            "res_model": "utility.account.move.out",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    def action_open_move_in(self):
        return self.env["utility.service.location"].action_open_move_in()
