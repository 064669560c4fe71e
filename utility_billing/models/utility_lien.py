# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date

BILLING_GROUP = "utility_billing.group_utility_billing"
# The county's certification file, in order (README: "Liens").
COUNTY_FILE_COLUMNS = (
    "Account Number",
    "Owner Name",
    "Owner Mailing Address",
    "Property Address",
    "Date Certified",
    "Delinquent Amount",
    "Certification Fee",
    "Total Certified",
)
# The county's release file, in order (README: "Liens").
COUNTY_RELEASE_COLUMNS = (
    "Account Number",
    "Owner Name",
    "Property Address",
    "County Recording Number",
    "Date Certified",
    "Total Certified",
    "Date Released",
)


class UtilityLien(models.Model):
    """A delinquent balance certified as a lien on the property served.

    Newton Falls, OH, Codified Ord. 929.085: charges unpaid 31 days after they
    are due may be certified to the County Auditor, with an administrative fee
    of $150.00 on each certification; Lockland, OH, § 1040.05 (d): the owner
    gets written notice of the impending certification "at least 30 days prior
    to the certification". The clerk prints or e-mails the notice of intent to
    lien to the premise's owner (its date is kept on the lien), certifies once
    the wait is over (the charges old enough; the fee is billed as a fee
    invoice), sends the county's file, records the filing, and releases the
    lien once the account is paid (a release letter).

    An account has at most one live lien (to certify, certified or filed): the
    database holds it, so a batch of proposed liens is created exactly once.
    """

    _name = "utility.lien"
    _description = "Utility Lien"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "utility.locked.fields.mixin",
        "utility.csv.export.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _rec_name = "account_id"
    # One live lien per account, whatever two clerks (or one clerk clicking
    # twice) do at the same time: the database holds it.
    _sql_constraints = [
        (
            "account_live_uniq",
            "EXCLUDE USING btree (account_id WITH =) WHERE (state != 'released')",
            "An account has only one lien that is not released.",
        )
    ]

    account_id = fields.Many2one(
        "utility.account", required=True, index=True, check_company=True, tracking=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    location_id = fields.Many2one(related="account_id.location_id", string="Property")
    owner_id = fields.Many2one(
        "res.partner",
        compute="_compute_owner_id",
        store=True,
        readonly=False,
        tracking=True,
        help="The property's owner (the premise's owner, else the account holder).",
    )
    state = fields.Selection(
        [
            ("to_certify", "To Certify"),
            ("certified", "Certified"),
            ("filed", "Filed"),
            ("released", "Released"),
        ],
        default="to_certify",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    amount_delinquent = fields.Monetary(readonly=True, tracking=True)
    amount_fee = fields.Monetary(string="Certification Fee", readonly=True, tracking=True)
    amount_certified = fields.Monetary(string="Total Certified", readonly=True, tracking=True)
    fee_move_id = fields.Many2one("account.move", string="Fee Invoice", readonly=True)
    date_notice = fields.Date(
        string="Notice of Intent Sent",
        readonly=True,
        tracking=True,
        copy=False,
        help="The day the Notice of Intent to Lien was first printed or e-mailed to the owner.",
    )
    date_certify_from = fields.Date(
        string="Certify On or After",
        compute="_compute_date_certify_from",
        help="The notice's date plus the days the city waits before certifying.",
    )
    date_certified = fields.Date(readonly=True)
    date_exported = fields.Date(string="Sent to County", readonly=True)
    filing_reference = fields.Char(
        tracking=True, help="The county's recording or instrument number."
    )
    date_filed = fields.Date(readonly=True)
    date_released = fields.Date(readonly=True)
    date_release_exported = fields.Date(string="Release Sent to County", readonly=True)
    item_ids = fields.One2many(
        "utility.lien.item",
        "lien_id",
        string="Certified Items",
        readonly=True,
        help="The charges certified (and the certification fee), as they were at "
        "certification: the lien is paid when they are, whatever was billed since.",
    )
    amount_open = fields.Monetary(
        string="Certified Still Unpaid",
        compute="_compute_amount_open",
        help="What is still unpaid of the certified items today.",
    )
    is_paid = fields.Boolean(
        string="Paid, to Release",
        compute="_compute_amount_open",
        search="_search_is_paid",
        help="A certified or filed lien whose certified items are all paid: release it.",
    )

    @api.depends("account_id")
    def _compute_owner_id(self):
        for lien in self:
            lien.owner_id = lien.account_id.location_id.owner_id or lien.account_id.partner_id

    @api.depends("date_notice", "company_id.utility_lien_notice_days")
    def _compute_date_certify_from(self):
        for lien in self:
            lien.date_certify_from = lien.date_notice and lien.date_notice + timedelta(
                days=lien.company_id.utility_lien_notice_days
            )

    @api.depends("item_ids.amount_open", "state")
    def _compute_amount_open(self):
        for lien in self:
            lien.amount_open = max(
                lien.currency_id.round(sum(lien.item_ids.mapped("amount_open"))), 0
            )
            lien.is_paid = (
                lien.state in ("certified", "filed")
                and bool(lien.item_ids)
                and lien.currency_id.is_zero(lien.amount_open)
            )

    def _search_is_paid(self, operator, value):
        """Certified or filed liens whose certified items are paid, read from the
        ledger in one query."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search the paid liens with yes or no."))
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT i.lien_id
              FROM utility_lien_item i
              JOIN utility_lien li ON li.id = i.lien_id
              JOIN account_move_line l ON l.id = i.move_line_id
             WHERE li.state IN ('certified', 'filed')
             GROUP BY i.lien_id
            HAVING SUM(l.amount_residual) < 0.005
            """
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    @api.model_create_multi
    def create(self, vals_list):
        self._check_no_live_lien([vals.get("account_id") for vals in vals_list])
        return super().create(vals_list)

    @api.model
    def _check_no_live_lien(self, account_ids):
        """Refuse, listing them all, new liens on accounts that already have one
        not released (or twice in the same batch)."""
        account_ids = [account_id for account_id in account_ids if account_id]
        twice = {account_id for account_id in account_ids if account_ids.count(account_id) > 1}
        live = (
            self.sudo()
            .search([("account_id", "in", account_ids), ("state", "!=", "released")])
            .account_id
        )
        accounts = live | self.env["utility.account"].sudo().browse(sorted(twice))
        if accounts:
            raise UserError(
                self.env._(
                    "These accounts already have a lien not released:\n%(accounts)s",
                    accounts="\n".join(f"- {name}" for name in accounts.mapped("display_name")),
                )
            )

    @api.model
    def _create_proposed(self, accounts):
        """Draft liens for ``accounts``, in one batch, each still proposed today
        (``utility.account._get_lien_proposals``); refused as a whole, listing
        them, when some no longer are (a lien made since, a payment, a hold), so
        a second click creates nothing."""
        self._check_billing()
        if not accounts:
            raise UserError(self.env._("Select the accounts to lien."))
        today = fields.Date.context_today(self)
        proposed = self.env["utility.account"].browse(
            [
                proposal["account"].id
                for proposal in accounts._get_lien_proposals(today, accounts.ids)
            ]
        )
        stale = accounts - proposed
        if stale:
            raise UserError(
                self.env._(
                    "These accounts have a lien already, or no longer qualify for one; "
                    "nothing was created:\n%(accounts)s",
                    accounts="\n".join(f"- {name}" for name in stale.mapped("display_name")),
                )
            )
        return self.create([{"account_id": account.id} for account in accounts])

    def _get_action_fields(self):
        return {
            "state",
            "amount_delinquent",
            "amount_fee",
            "amount_certified",
            "fee_move_id",
            "date_notice",
            "date_certified",
            "date_exported",
            "date_filed",
            "date_released",
            "date_release_exported",
        }

    def _get_locked_records(self):
        return self.filtered(lambda lien: lien.state in ("filed", "released"))

    def _check_billing(self):
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff work liens."))

    def _record_notice(self, day=None):
        """The Notice of Intent went to the owner (printed or e-mailed) on ``day``
        (default today): kept on the liens to certify that have no notice yet. A
        reprint keeps the first date, the day the owner was told.

        As superuser: a customer service clerk may print the notice too, and the
        date is the record of the print, not a change the clerk makes."""
        new = self.filtered(lambda lien: lien.state == "to_certify" and not lien.date_notice)
        if new:
            new.sudo()._as_action().write({"date_notice": day or fields.Date.context_today(self)})
        return new

    def _get_certifiable_lines(self, today):
        """The open receivable items of each lien's account old enough to certify
        on ``today``.

        Newton Falls, OH, Codified Ord. 929.085: a charge may be certified once
        it is unpaid 31 days after its due date, so only the open receivable items
        due at least the company's days before ``today`` count (credits on the
        account count whatever their date); younger charges stay on the bills.
        One search per company.

        :return: {lien id: account.move.line}
        """
        Line = self.env["account.move.line"].sudo()
        lines = {}
        for company in self.company_id:
            liens = self.filtered(lambda lien, c=company: lien.company_id == c)
            # A charge due exactly N days ago is N days past due and counts.
            cutoff = today - timedelta(days=company.utility_lien_min_age_days - 1)
            found = Line.search(
                [
                    ("utility_account_id", "in", liens.account_id.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("amount_residual", "!=", 0),
                    "|",
                    ("amount_residual", "<", 0),
                    "|",
                    ("date_maturity", "<", cutoff),
                    "&",
                    ("date_maturity", "=", False),
                    ("date", "<", cutoff),
                ],
                order="date_maturity, id",
            )
            by_account = found.grouped("utility_account_id")
            for lien in liens:
                lines[lien.id] = by_account.get(lien.account_id, Line)
        return lines

    def _get_certifiable_amounts(self, today):
        """What each lien's account owes that is old enough to certify on
        ``today`` (``_get_certifiable_lines``, added up).

        :return: {lien id: amount, rounded to the currency}
        """
        lines = self._get_certifiable_lines(today)
        return {
            lien.id: lien.currency_id.round(sum(lines[lien.id].mapped("amount_residual")))
            for lien in self
        }

    def action_certify(self):
        """Certify what each account owes past due at least the company's days,
        plus the certification fee (posted as a fee invoice); refused, all at
        once, before the wait after the Notice of Intent, for an account held
        from liens (a bankruptcy stay, an estate...), with no charge old enough,
        or with another lien certified."""
        self._check_billing()
        today = fields.Date.context_today(self)
        lines = self._get_certifiable_lines(today)
        amounts = {
            lien.id: lien.currency_id.round(sum(lines[lien.id].mapped("amount_residual")))
            for lien in self
        }
        holds = self.account_id._get_collection_holds(today, "lien")
        live = self.search(
            [
                ("account_id", "in", self.account_id.ids),
                ("state", "in", ("certified", "filed")),
                ("id", "not in", self.ids),
            ]
        )
        problems = []
        for lien in self:
            if lien.state != "to_certify":
                problems.append(
                    self.env._("%(lien)s is already certified.", lien=lien.display_name)
                )
            elif not lien.date_notice:
                problems.append(
                    self.env._(
                        "%(account)s: print or e-mail the Notice of Intent to Lien to the "
                        "owner first.",
                        account=lien.account_id.display_name,
                    )
                )
            elif today < lien.date_certify_from:
                problems.append(
                    self.env._(
                        "%(account)s: the owner was sent the Notice of Intent on %(notice)s; "
                        "the lien can be certified on or after %(date)s.",
                        account=lien.account_id.display_name,
                        notice=format_date(self.env, lien.date_notice),
                        date=format_date(self.env, lien.date_certify_from),
                    )
                )
            elif lien.account_id.id in holds:
                problems.append(
                    self.env._(
                        "%(account)s is held from liens: %(reason)s.",
                        account=lien.account_id.display_name,
                        reason=holds[lien.account_id.id],
                    )
                )
            elif lien.currency_id.compare_amounts(amounts[lien.id], 0) <= 0:
                problems.append(
                    self.env._(
                        "%(account)s has nothing past due %(days)s days or more to certify.",
                        account=lien.account_id.display_name,
                        days=lien.company_id.utility_lien_min_age_days,
                    )
                )
            elif lien.account_id in live.account_id:
                problems.append(
                    self.env._(
                        "%(account)s already has a lien certified.",
                        account=lien.account_id.display_name,
                    )
                )
            elif not lien.company_id.utility_lien_fee_account_id:
                problems.append(
                    self.env._("Set the lien fee income account in the Utility Billing settings.")
                )
        if problems:
            raise UserError("\n".join(problems))
        fees = [
            {
                "account": lien.account_id,
                "amount": lien.company_id.utility_lien_fee,
                "date": today,
                "label": self.env._("Lien certification fee"),
                "income_account": lien.company_id.utility_lien_fee_account_id,
                "origin": self.env._("Lien"),
            }
            for lien in self
        ]
        moves = self.env["utility.account"]._create_fee_invoices(fees)
        items = []
        for lien, move in zip(self, moves, strict=True):
            fee_lines = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            items += [
                {
                    "lien_id": lien.id,
                    "move_line_id": line.id,
                    "amount_certified": line.amount_residual,
                    "is_fee": line in fee_lines,
                }
                for line in lines[lien.id] | fee_lines
            ]
        self.env["utility.lien.item"].sudo()._as_action().create(items)
        for lien, move in zip(self, moves, strict=True):
            due = amounts[lien.id]
            lien._as_action().write(
                {
                    "state": "certified",
                    "amount_delinquent": due,
                    "amount_fee": move.amount_total,
                    "amount_certified": lien.currency_id.round(due + move.amount_total),
                    "fee_move_id": move.id,
                    "date_certified": today,
                }
            )
            lien.account_id.message_post(
                body=self.env._(
                    "Lien certified on the property for %(amount)s.",
                    amount=format_amount(self.env, lien.amount_certified, lien.currency_id),
                )
            )
        return True

    def action_export_county(self):
        """The county's certification file of the certified liens of ``self`` not
        sent yet; a second export sends none of them again."""
        self._check_billing()
        new = self.filtered(lambda lien: lien.state == "certified" and not lien.date_exported)
        if not new:
            raise UserError(self.env._("Every lien selected was already sent to the county."))
        action = new._download_csv(
            "lien_certification",
            COUNTY_FILE_COLUMNS,
            [
                [
                    lien.account_id.name,
                    lien.owner_id.name,
                    " ".join((lien.owner_id.contact_address or "").split()),
                    lien.location_id.display_name or "",
                    lien.date_certified.strftime("%m/%d/%Y"),
                    f"{lien.amount_delinquent:.2f}",
                    f"{lien.amount_fee:.2f}",
                    f"{lien.amount_certified:.2f}",
                ]
                for lien in new
            ],
        )
        new._as_action().write({"date_exported": fields.Date.context_today(self)})
        return action

    def action_export_county_release(self):
        """The county's file of the released liens of ``self`` not sent yet, so
        the auditor takes them off the tax duplicate; a second export sends none
        of them again."""
        self._check_billing()
        new = self.filtered(
            lambda lien: lien.state == "released" and not lien.date_release_exported
        )
        if not new:
            raise UserError(
                self.env._("None of the liens selected is a release not yet sent to the county.")
            )
        action = new._download_csv(
            "lien_release",
            COUNTY_RELEASE_COLUMNS,
            [
                [
                    lien.account_id.name,
                    lien.owner_id.name,
                    lien.location_id.display_name or "",
                    lien.filing_reference or "",
                    lien.date_certified.strftime("%m/%d/%Y") if lien.date_certified else "",
                    f"{lien.amount_certified:.2f}",
                    lien.date_released.strftime("%m/%d/%Y"),
                ]
                for lien in new
            ],
        )
        new._as_action().write({"date_release_exported": fields.Date.context_today(self)})
        return action

    def action_file(self):
        """The county recorded the lien: its recording number is kept."""
        self._check_billing()
        for lien in self:
            if lien.state != "certified" or not (lien.filing_reference or "").strip():
                raise UserError(
                    self.env._("Enter the county's recording number of a certified lien.")
                )
        self._as_action().write({"state": "filed", "date_filed": fields.Date.context_today(self)})
        return True

    def _get_release_blocker(self):
        """Why the lien cannot be released yet, or None: its certified items
        (the charges and the fee) are what it secures, so it is released when
        they are paid, whatever the account was billed since. A lien certified
        before its items were kept is released when the account owes nothing."""
        self.ensure_one()
        unpaid = self.amount_open if self.item_ids else max(self.account_id.amount_balance, 0)
        if self.currency_id.compare_amounts(unpaid, 0) > 0:
            return self.env._(
                "%(account)s still owes %(amount)s of what the lien certified: the lien stays.",
                account=self.account_id.display_name,
                amount=format_amount(self.env, unpaid, self.currency_id),
            )
        return None

    def action_release(self):
        """Release the lien once what it certified is paid."""
        self._check_billing()
        for lien in self:
            if lien.state not in ("certified", "filed"):
                raise UserError(self.env._("Only a certified or filed lien is released."))
            blocker = lien._get_release_blocker()
            if blocker:
                raise UserError(blocker)
        today = fields.Date.context_today(self)
        self._as_action().write({"state": "released", "date_released": today})
        for lien in self:
            lien.account_id.message_post(
                body=self.env._("Lien released on %(date)s.", date=format_date(self.env, today))
            )
        return True
