# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

# What goes into the bank bag: paper the bank takes over the counter. Card
# payments settle through the card processor, not in a deposit.
DEPOSIT_TENDERS = ("cash", "check", "money_order")
CHECK_TENDERS = ("check", "money_order")

# (value, kind) of the US currency a cashier counts into the bag.
DENOMINATIONS = [
    (100.0, "bill"),
    (50.0, "bill"),
    (20.0, "bill"),
    (10.0, "bill"),
    (5.0, "bill"),
    (2.0, "bill"),
    (1.0, "bill"),
    (1.0, "coin"),
    (0.5, "coin"),
    (0.25, "coin"),
    (0.1, "coin"),
    (0.05, "coin"),
    (0.01, "coin"),
]

SUPERVISOR = "utility_billing.group_utility_supervisor"


class UtilityDeposit(models.Model):
    """A bank deposit prepared from closed cashier sessions.

    A clerk (Level II) gathers the closed sessions of the day, counts the
    cash into the bag by denomination (it must equal the cash receipts) and
    prints the deposit slip; a supervisor approves it, which posts the entry
    moving the money from Undeposited Funds to the bank journal's Outstanding
    Receipts account. The bank statement line of the deposit is then matched
    against that one debit, with Odoo's own reconciliation.

    The deposited payments' Undeposited Funds items are reconciled with the
    deposit's credit, so what is left open on Undeposited Funds is exactly the
    money not yet deposited.
    """

    _name = "utility.deposit"
    _description = "Bank Deposit"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Deposit", readonly=True, copy=False, default="/", index="trigram", tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(
        required=True, default=fields.Date.context_today, tracking=True, help="Deposit date."
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank Journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'bank')]",
        default=lambda self: self._default_journal_id(),
        tracking=True,
    )
    bag_number = fields.Char(help="Number of the sealed deposit bag, as on the bank receipt.")
    session_ids = fields.One2many(
        "utility.cashier.session",
        "deposit_id",
        string="Cashier Sessions",
        domain="[('state', '=', 'closed'), ('deposit_id', '=', False)]",
    )
    payment_ids = fields.One2many(
        "utility.payment", "deposit_id", string="Payments Deposited", readonly=True
    )
    cash_line_ids = fields.One2many(
        "utility.deposit.cash.line",
        "deposit_id",
        string="Cash by Denomination",
        default=lambda self: self._default_cash_line_ids(),
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("prepared", "Prepared"),
            ("posted", "Posted"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    amount_over_short = fields.Monetary(
        string="Drawers Over / Short",
        compute="_compute_amounts",
        store=True,
        help="What the sessions' blind counts found over (positive) or short (negative).",
    )
    amount_cash = fields.Monetary(
        string="Cash",
        compute="_compute_amounts",
        store=True,
        help="Cash into the bag: the cash receipts and the drawers' over / short.",
    )
    amount_checks = fields.Monetary(
        string="Checks", compute="_compute_amounts", store=True, help="Checks and money orders."
    )
    amount_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True, tracking=True
    )
    check_count = fields.Integer(string="Checks Deposited", compute="_compute_amounts", store=True)
    amount_counted = fields.Monetary(
        string="Cash Counted", compute="_compute_amount_counted", store=True
    )
    amount_difference = fields.Monetary(
        string="Count Difference",
        compute="_compute_amount_counted",
        store=True,
        help="Cash counted into the bag minus the cash receipts: must be zero to prepare.",
    )
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", readonly=True, copy=False, check_company=True
    )
    is_matched = fields.Boolean(
        string="Matched by the Bank",
        compute="_compute_is_matched",
        help="The bank statement line of this deposit has been reconciled with its entry.",
    )
    user_prepared_id = fields.Many2one("res.users", string="Prepared By", readonly=True)
    date_prepared = fields.Datetime(string="Prepared On", readonly=True)
    user_approved_id = fields.Many2one("res.users", string="Approved By", readonly=True)
    date_approved = fields.Datetime(string="Approved On", readonly=True)
    note = fields.Text()

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    def _default_journal_id(self):
        # Clerks have no accounting rights: the bank journal is found for them.
        return self.env["account.journal"].sudo().search(
            [*self.env["account.journal"]._check_company_domain(self.env.company),
             ("type", "=", "bank")],
            limit=1,
        )  # fmt: skip

    def _default_cash_line_ids(self):
        return [
            Command.create({"denomination": value, "kind": kind, "sequence": index})
            for index, (value, kind) in enumerate(DENOMINATIONS)
        ]

    def _session_has(self, field_name):
        # The cashier session model grows (blind count, over / short): read what it has.
        return field_name in self.env["utility.cashier.session"]._fields

    @api.depends(
        lambda self: (
            ["payment_ids.amount", "payment_ids.tender", "session_ids"]
            + (["session_ids.amount_over_short"] if self._session_has("amount_over_short") else [])
        )
    )
    def _compute_amounts(self):
        with_over_short = self._session_has("amount_over_short")
        for deposit in self:
            payments = deposit.payment_ids
            cash = payments.filtered(lambda p: p.tender == "cash")
            checks = payments - cash
            # The drawer's over / short was posted to Undeposited Funds at close:
            # the bag holds the cash counted, not the cash receipts.
            deposit.amount_over_short = (
                sum(deposit.session_ids.mapped("amount_over_short")) if with_over_short else 0.0
            )
            deposit.amount_cash = sum(cash.mapped("amount")) + deposit.amount_over_short
            deposit.amount_checks = sum(checks.mapped("amount"))
            deposit.amount_total = deposit.amount_cash + deposit.amount_checks
            deposit.check_count = len(checks)

    @api.depends("cash_line_ids.amount", "amount_cash")
    def _compute_amount_counted(self):
        for deposit in self:
            deposit.amount_counted = sum(deposit.cash_line_ids.mapped("amount"))
            deposit.amount_difference = deposit.currency_id.round(
                deposit.amount_counted - deposit.amount_cash
            )

    @api.depends("move_id.line_ids.reconciled")
    def _compute_is_matched(self):
        for deposit in self:
            bank_line = deposit.sudo()._get_bank_line()
            deposit.is_matched = bool(bank_line) and all(bank_line.mapped("reconciled"))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("utility.deposit")
                    or "/"
                )
        if not self._is_action():
            self._check_locked_create(vals_list)
        # The deposit links its sessions (the sessions' deposit field is the deposit's).
        deposits = super(UtilityDeposit, self._as_action()).create(vals_list)
        deposits._sync_payments()
        return deposits.with_env(self.env)

    def write(self, vals):
        if "session_ids" in vals and any(deposit.state != "draft" for deposit in self):
            raise UserError(
                self.env._("The sessions of a prepared or posted deposit cannot change.")
            )
        if "session_ids" not in vals:
            return super().write(vals)
        # The deposit links its sessions and their payments (whoever's drawer they
        # were): their deposit field is written by the deposit only, checked above.
        if not self._is_action():
            self._check_locked_write(vals)
        result = super(UtilityDeposit, self._as_action()).write(vals)
        self._sync_payments()
        return result

    # ------------------------------------------------------------------
    # States change through actions (utility.locked.fields.mixin)
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | {
            "state",
            "user_prepared_id",
            "date_prepared",
            "user_approved_id",
            "date_approved",
            "move_id",
        }

    def _get_locked_records(self):
        return super()._get_locked_records() | self.filtered(
            lambda d: d.state in ("posted", "cancelled")
        )

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "A deposit is prepared, approved or cancelled through its buttons only: its "
            "state and who prepared or approved it are never typed in."
        )

    def _get_locked_message(self, names=()):
        return self.env._(
            "A posted or cancelled deposit cannot be changed or deleted: cancel a posted "
            "deposit to reverse it."
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted(self):
        if any(deposit.state in ("prepared", "posted") for deposit in self):
            raise UserError(
                self.env._("Only a draft or cancelled deposit can be deleted: cancel it first.")
            )

    def _sync_payments(self):
        """The payments of a draft deposit are the deposit tenders of its sessions."""
        for deposit in self.filtered(lambda d: d.state == "draft"):
            wanted = deposit.session_ids.payment_ids.filtered(
                lambda p, d=deposit: (
                    p.state == "posted"
                    and p.tender in DEPOSIT_TENDERS
                    and (not p.deposit_id or p.deposit_id == d)
                )
            )
            current = deposit.payment_ids
            (current - wanted).sudo()._as_action().deposit_id = False
            (wanted - current).sudo()._as_action().deposit_id = deposit

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def action_load_sessions(self):
        """Add every closed session of the company that is in no deposit yet."""
        for deposit in self.filtered(lambda d: d.state == "draft"):
            sessions = self.env["utility.cashier.session"].search(
                [
                    ("company_id", "=", deposit.company_id.id),
                    ("state", "=", "closed"),
                    ("deposit_id", "=", False),
                ]
            )
            deposit.write({"session_ids": [Command.link(session.id) for session in sessions]})
        return True

    def action_count_from_receipts(self):
        """Fill the count with the cash receipts in the largest notes (a starting point
        the clerk corrects to what is really in the bag)."""
        for deposit in self.filtered(lambda d: d.state == "draft"):
            cents = round(deposit.amount_cash * 100)
            for line in deposit.cash_line_ids.sorted(lambda c: (-c.denomination, c.sequence)):
                unit = round(line.denomination * 100)
                line.count = cents // unit if unit else 0
                cents -= line.count * unit
        return True

    def action_prepare(self):
        """The clerk's count matches the receipts: the slip can be printed."""
        self._check_state("draft", self.env._("prepare"))
        problems = []
        for deposit in self:
            problems += deposit._get_prepare_problems()
        if problems:
            raise UserError(
                self.env._("The deposit cannot be prepared:\n%(problems)s",
                           problems="\n".join(problems))
            )  # fmt: skip
        self._sync_payments()
        self._as_action().write(
            {
                "state": "prepared",
                "user_prepared_id": self.env.uid,
                "date_prepared": fields.Datetime.now(),
            }
        )
        return True

    def _get_prepare_problems(self):
        self.ensure_one()
        problems = []
        name = self.name
        if not self.session_ids:
            problems.append(
                self.env._("%(deposit)s: add the closed cashier sessions.", deposit=name)
            )
        open_sessions = self.session_ids.filtered(lambda s: s.state != "closed")
        if open_sessions:
            problems.append(
                self.env._(
                    "%(deposit)s: sessions still open: %(sessions)s",
                    deposit=name,
                    sessions=", ".join(open_sessions.mapped("display_name")),
                )
            )
        if self.session_ids and not self.payment_ids:
            problems.append(
                self.env._("%(deposit)s: the sessions hold no cash or check.", deposit=name)
            )
        if not self.currency_id.is_zero(self.amount_difference):
            problems.append(
                self.env._(
                    "%(deposit)s: the cash counted into the bag (%(counted)s) is not the "
                    "cash of the sessions (%(cash)s): count again.",
                    deposit=name,
                    counted=self.amount_counted,
                    cash=self.amount_cash,
                )
            )
        if any(line.count < 0 for line in self.cash_line_ids):
            problems.append(self.env._("%(deposit)s: a count is negative.", deposit=name))
        return problems

    def action_approve(self):
        """A supervisor approves a prepared deposit: its entry is posted.

        Nobody approves a deposit they prepared (two people saw the money).
        """
        if not self.env.user.has_group(SUPERVISOR):
            raise AccessError(self.env._("Only a utility supervisor approves deposits."))
        self._check_state("prepared", self.env._("approve"))
        own = self.filtered(lambda d: d.user_prepared_id == self.env.user)
        if own and not self.env.su:
            raise UserError(
                self.env._(
                    "You prepared %(deposits)s: another supervisor approves it.",
                    deposits=", ".join(own.mapped("name")),
                )
            )
        # The supervisor needs no accounting rights: the entry is written for them,
        # after the checks above.
        self.sudo()._as_action()._post_deposits()
        self._as_action().write(
            {
                "state": "posted",
                "user_approved_id": self.env.uid,
                "date_approved": fields.Datetime.now(),
            }
        )
        return True

    def action_reset_to_draft(self):
        self._check_state("prepared", self.env._("reset to draft"))
        self._as_action().write(
            {"state": "draft", "user_prepared_id": False, "date_prepared": False}
        )
        return True

    def action_cancel(self):
        """Cancel a deposit; a posted one is reversed (supervisor), unless the bank
        statement has already matched it."""
        self._check_state(("draft", "prepared", "posted"), self.env._("cancel"))
        posted = self.filtered(lambda d: d.state == "posted")
        if posted:
            if not self.env.user.has_group(SUPERVISOR):
                raise AccessError(self.env._("Only a utility supervisor cancels a posted deposit."))
            matched = posted.filtered("is_matched")
            if matched:
                raise UserError(
                    self.env._(
                        "The bank statement already matched %(deposits)s: undo that "
                        "reconciliation first.",
                        deposits=", ".join(matched.mapped("name")),
                    )
                )
            posted.sudo()._as_action()._reverse_deposits()
        deposits = self._as_action()
        deposits.payment_ids.sudo().deposit_id = False
        deposits.session_ids.sudo().deposit_id = False
        deposits.write({"state": "cancelled"})
        return True

    def _check_state(self, states, action):
        states = (states,) if isinstance(states, str) else states
        wrong = self.filtered(lambda d: d.state not in states)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                "\n".join(
                    self.env._(
                        "Cannot %(action)s %(deposit)s: it is %(state)s.",
                        action=action,
                        deposit=deposit.name,
                        state=labels[deposit.state],
                    )
                    for deposit in wrong
                )
            )

    # ------------------------------------------------------------------
    # Journal entries
    # ------------------------------------------------------------------
    def _post_deposits(self):
        """Post the entries of the deposits in one create and reconcile each
        deposit's Undeposited Funds credit with its payments' debits."""
        moves = self.env["account.move"].sudo().create([d._prepare_move_vals() for d in self])
        moves._post(soft=False)
        plan = []
        for deposit, move in zip(self, moves, strict=True):
            deposit.move_id = move
            undeposited = deposit.company_id._get_utility_undeposited_account()
            credit = move.line_ids.filtered(lambda line, a=undeposited: line.account_id == a)
            plan.append(credit | deposit._get_undeposited_items())
        self.env["account.move.line"].sudo()._reconcile_plan(plan)

    def _get_undeposited_items(self):
        """The open Undeposited Funds items of the deposit's payments and of its
        sessions' over / short entries."""
        self.ensure_one()
        undeposited = self.company_id._get_utility_undeposited_account()
        moves = self.payment_ids.move_id
        if self._session_has("over_short_move_id"):
            moves |= self.session_ids.over_short_move_id
        return moves.line_ids.filtered(
            lambda line: line.account_id == undeposited and not line.reconciled
        )

    def _get_bank_line(self):
        self.ensure_one()
        return self.move_id.line_ids.filtered(
            lambda line: line.debit and line.account_id == self._get_bank_account()
        )

    def _get_bank_account(self):
        """Outstanding Receipts of the bank journal: the bank statement line of the
        deposit is matched against it, like a customer payment's in Odoo."""
        self.ensure_one()
        return self.env["utility.payment.poster"]._get_outstanding_receipts_account(self.journal_id)

    def _get_move_label(self):
        self.ensure_one()
        if self.bag_number:
            return self.env._("Deposit %(deposit)s, bag %(bag)s", deposit=self.name,
                              bag=self.bag_number)  # fmt: skip
        return self.env._("Deposit %(deposit)s", deposit=self.name)

    def _prepare_move_vals(self):
        self.ensure_one()
        label = self._get_move_label()
        amount = self.currency_id.round(self.amount_total)
        return {
            "move_type": "entry",
            "journal_id": self.journal_id.id,
            "date": self.date,
            "ref": label,
            "line_ids": [
                Command.create(
                    {
                        "name": label,
                        "account_id": self._get_bank_account().id,
                        "debit": amount,
                        "credit": 0.0,
                    }
                ),
                Command.create(
                    {
                        "name": label,
                        "account_id": self.company_id._get_utility_undeposited_account().id,
                        "debit": 0.0,
                        "credit": amount,
                    }
                ),
            ],
        }

    def _reverse_deposits(self):
        """Reverse posted deposits: their payments are undeposited again."""
        self.move_id.line_ids.sudo().remove_move_reconcile()
        self.move_id.sudo()._reverse_moves(
            default_values_list=[
                {
                    "date": fields.Date.context_today(self),
                    "ref": self.env._("Reversal of %(deposit)s", deposit=deposit.name),
                }
                for deposit in self
            ],
            cancel=True,
        )

    # ------------------------------------------------------------------
    # Deposit slip
    # ------------------------------------------------------------------
    def _get_slip_bank(self):
        """The bank account the slip names (clerks cannot read journals)."""
        self.ensure_one()
        journal = self.journal_id.sudo()
        return {
            "account": journal.bank_account_id.acc_number or journal.name,
            "bank": journal.bank_id.name or "",
        }

    def _get_slip_checks(self):
        """The checks and money orders of the slip: number, bank, payer, amount.

        Check number and bank come from the payment when the cashiering model
        keeps them (``check_number`` / ``check_bank``), else the reference.
        """
        self.ensure_one()
        fields_ = self.env["utility.payment"]._fields
        checks = self.payment_ids.filtered(lambda p: p.tender in CHECK_TENDERS).sorted(
            lambda p: (p.name or "", p.id)
        )
        return [
            {
                "number": (payment.check_number if "check_number" in fields_ else "")
                or payment.reference
                or "",
                "bank": (payment.check_bank if "check_bank" in fields_ else "") or "",
                "payer": payment.partner_id.name or "",
                "receipt": payment.name,
                "is_money_order": payment.tender == "money_order",
                "amount": payment.amount,
            }
            for payment in checks
        ]

    def action_print_slip(self):
        self._check_state(("prepared", "posted"), self.env._("print the slip of"))
        # The slip has its own plain layout: no company document layout to configure.
        return self.env.ref("utility_billing.action_report_utility_deposit_slip").report_action(
            self, config=False
        )
