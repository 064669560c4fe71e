# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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


class UtilityLien(models.Model):
    """A delinquent balance certified as a lien on the property served.

    Newton Falls, OH, Codified Ord. 929.085: charges unpaid 31 days after they
    are due may be certified to the County Auditor, with an administrative fee
    of $150.00 on each certification; Lockland, OH, § 1040.05 (d): the owner
    gets written notice of the impending certification first. The clerk prints
    the notice of intent to lien to the premise's owner, certifies (the fee is
    billed as a fee invoice), sends the county's file, records the filing, and
    releases the lien once the account is paid (a release letter).
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
    date_certified = fields.Date(readonly=True)
    date_exported = fields.Date(string="Sent to County", readonly=True)
    filing_reference = fields.Char(
        tracking=True, help="The county's recording or instrument number."
    )
    date_filed = fields.Date(readonly=True)
    date_released = fields.Date(readonly=True)

    @api.depends("account_id")
    def _compute_owner_id(self):
        for lien in self:
            lien.owner_id = lien.account_id.location_id.owner_id or lien.account_id.partner_id

    def _get_action_fields(self):
        return {
            "state",
            "amount_delinquent",
            "amount_fee",
            "amount_certified",
            "fee_move_id",
            "date_certified",
            "date_exported",
            "date_filed",
            "date_released",
        }

    def _get_locked_records(self):
        return self.filtered(lambda lien: lien.state in ("filed", "released"))

    def _check_billing(self):
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff work liens."))

    def action_certify(self):
        """Certify what is past due on each account, plus the certification fee
        (posted as a fee invoice); refused, all at once, for an account with
        nothing past due or with another lien not released."""
        self._check_billing()
        today = fields.Date.context_today(self)
        facts = self.account_id._get_shutoff_facts(today)
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
            elif lien.currency_id.compare_amounts(facts[lien.account_id.id]["amount_due"], 0) <= 0:
                problems.append(
                    self.env._(
                        "%(account)s has nothing past due to certify.",
                        account=lien.account_id.display_name,
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
        for lien, move in zip(self, moves, strict=True):
            due = lien.currency_id.round(facts[lien.account_id.id]["amount_due"])
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

    def action_release(self):
        """Release the lien once the account owes nothing."""
        self._check_billing()
        for lien in self:
            if lien.state not in ("certified", "filed"):
                raise UserError(self.env._("Only a certified or filed lien is released."))
            if lien.currency_id.compare_amounts(lien.account_id.amount_balance, 0) > 0:
                raise UserError(
                    self.env._(
                        "%(account)s still owes %(amount)s: the lien stays.",
                        account=lien.account_id.display_name,
                        amount=format_amount(
                            self.env, lien.account_id.amount_balance, lien.currency_id
                        ),
                    )
                )
        today = fields.Date.context_today(self)
        self._as_action().write({"state": "released", "date_released": today})
        for lien in self:
            lien.account_id.message_post(
                body=self.env._("Lien released on %(date)s.", date=format_date(self.env, today))
            )
        return True
