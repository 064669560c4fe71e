# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2.errors import UniqueViolation

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

BILLING_GROUP = "utility_billing.group_utility_billing"
# The agency file's columns, in order (README: "Collection agency").
AGENCY_FILE_COLUMNS = (
    "Account Number",
    "Customer Name",
    "Mailing Street",
    "Mailing City",
    "Mailing State",
    "Mailing ZIP",
    "Phone",
    "Email",
    "Service Address",
    "Date Referred",
    "Amount Referred",
    "Written Off",
    "Action",
    "Date Paid",
)


class UtilityAgencyReferral(models.Model):
    """An account placed with the city's collection agency.

    Union City, IN, Code § 40.03 (B): accounts 90 days past due may be referred
    to a collection agency; League City, TX turns accounts over at 90 days past
    due and keeps collecting after the write-off. While an account is at the
    agency it gets no notice, late fee, door hanger or shut-off from the
    delinquency run (``_get_collection_holds``); the agency's file lists each
    referral once.
    """

    _name = "utility.agency.referral"
    _description = "Collection Agency Referral"
    _inherit = ["mail.thread", "utility.locked.fields.mixin", "utility.csv.export.mixin"]
    _order = "date_referred desc, id desc"
    _check_company_auto = True
    _rec_name = "account_id"

    account_id = fields.Many2one(
        "utility.account", required=True, index=True, check_company=True, readonly=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, precompute=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    write_off_line_id = fields.Many2one(
        "utility.write.off.line", string="Write-off", readonly=True, check_company=True
    )
    date_referred = fields.Date(readonly=True, required=True)
    amount_referred = fields.Monetary(readonly=True, tracking=True)
    state = fields.Selection(
        [("referred", "Referred"), ("exported", "Sent to Agency"), ("recalled", "Recalled")],
        default="referred",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    date_exported = fields.Date(string="Sent On", readonly=True)
    origin = fields.Selection(
        [("write_off", "Write-off"), ("rule", "City's Rule"), ("manual", "Manual")],
        string="Referred By",
        readonly=True,
        help="Write-off: from a posted write-off; City's Rule: from Accounts to Refer; "
        "Manual: from the account, with the reason.",
    )
    reason = fields.Char(readonly=True, tracking=True)
    referred_by_id = fields.Many2one("res.users", string="Referred By User", readonly=True)
    date_paid = fields.Date(
        string="Paid in Full On",
        readonly=True,
        tracking=True,
        help="The account was paid in full while at the agency (at the office, or the "
        "agency's collection): recall it and tell the agency.",
    )
    date_recalled = fields.Date(string="Recalled On", readonly=True)
    date_recall_sent = fields.Date(
        string="Recall Sent On",
        readonly=True,
        help="The agency file that told the agency to stop working the account.",
    )
    recovery_ids = fields.One2many(
        "utility.write.off.recovery", "referral_id", string="Agency Collections", readonly=True
    )
    amount_collected = fields.Monetary(
        string="Collected by the Agency",
        compute="_compute_amount_collected",
        help="What the agency collected on this referral (before its fee), posted.",
    )

    @api.depends("recovery_ids.state", "recovery_ids.amount")
    def _compute_amount_collected(self):
        collected = dict(
            self.env["utility.write.off.recovery"]._read_group(
                [("referral_id", "in", self.ids), ("state", "=", "posted")],
                ["referral_id"],
                ["amount:sum"],
            )
        )
        for referral in self:
            referral.amount_collected = collected.get(referral, 0.0)

    def action_record_collection(self):
        """A new agency collection (gross, before the fee) on this referral."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Collected by the Agency"),
            "res_model": "utility.write.off.recovery",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_referral_id": self.id if not self.write_off_line_id else False,
                "default_line_id": self.write_off_line_id.id,
                "default_is_agency": True,
            },
        }

    def init(self):
        # One live referral per account: a second one would be sent twice.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS utility_agency_referral_one_live
                ON utility_agency_referral (account_id) WHERE state != 'recalled'
            """
        )

    def _get_action_fields(self):
        return {
            "state",
            "date_exported",
            "amount_referred",
            "date_referred",
            "account_id",
            "write_off_line_id",
            "origin",
            "reason",
            "referred_by_id",
            "date_paid",
            "date_recalled",
            "date_recall_sent",
        }

    def _get_locked_records(self):
        return self.filtered(lambda r: r.state != "referred")

    @api.model
    def _refer(self, accounts, day, write_off_lines=None, origin=None, reason=None):
        """Refer ``accounts`` on ``day``: what is still written off for those of
        ``write_off_lines``, else the open balance. Accounts already at the agency
        or owing nothing are refused, all at once.

        :param origin: ``write_off`` (the default with ``write_off_lines``),
                       ``rule`` (Accounts to Refer) or ``manual`` (needs ``reason``)

        :return: the new referrals
        """
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff refer accounts to the agency."))
        origin = origin or ("write_off" if write_off_lines else "manual")
        reason = (reason or "").strip()
        if origin == "manual" and not reason:
            raise UserError(self.env._("Enter the reason for referring the account."))
        lines = {line.account_id: line for line in (write_off_lines or [])}
        live = self.search([("account_id", "in", accounts.ids), ("state", "!=", "recalled")])
        problems = [
            self.env._("%(account)s is already at the agency.", account=a.display_name)
            for a in live.account_id
        ]
        vals_list = []
        for account in accounts - live.account_id:
            line = lines.get(account)
            amount = line.amount_remaining if line else account.amount_balance
            if account.currency_id.compare_amounts(amount, 0) <= 0:
                problems.append(
                    self.env._("%(account)s owes nothing.", account=account.display_name)
                )
                continue
            vals_list.append(
                {
                    "account_id": account.id,
                    "write_off_line_id": line.id if line else False,
                    "date_referred": day,
                    "amount_referred": amount,
                    "origin": origin,
                    "reason": reason or False,
                    "referred_by_id": self.env.uid,
                }
            )
        if problems:
            raise UserError(
                self.env._(
                    "No account was referred:\n%(problems)s",
                    problems="\n".join(f"- {p}" for p in problems),
                )
            )
        try:
            with self.env.cr.savepoint():
                referrals = self._as_action().create(vals_list)
        except UniqueViolation:
            # Another user referred one of them since the check above (the
            # one-live-referral index). This transaction cannot see which
            # (repeatable read): name the accounts instead of a database error.
            referred = self.env["utility.account"].browse([v["account_id"] for v in vals_list])
            if len(referred) == 1:
                message = self.env._(
                    "%(account)s was just referred by another user.",
                    account=referred.display_name,
                )
            else:
                message = self.env._(
                    "Another user just referred one of these accounts; reload the list "
                    "and try again:\n%(accounts)s",
                    accounts="\n".join(f"- {name}" for name in referred.mapped("display_name")),
                )
            raise UserError(message) from None
        for referral in referrals:
            body = self.env._(
                "Referred to the collection agency on %(date)s.",
                date=format_date(self.env, day),
            )
            if reason:
                body = self.env._("%(body)s Reason: %(reason)s", body=body, reason=reason)
            referral.account_id.message_post(body=body)
        return referrals

    def action_recall(self):
        """The agency returns the account (paid, or given up): it is no longer held.
        If the agency had it in a file, the next file tells it to stop (RECALL)."""
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff recall accounts from the agency."))
        live = self.filtered(lambda r: r.state != "recalled")
        live._as_action().write(
            {"state": "recalled", "date_recalled": fields.Date.context_today(self)}
        )
        return True

    @api.model
    def _flag_paid_in_full(self, accounts, day):
        """Flag the live referrals of ``accounts`` that now owe nothing, paid in full
        on ``day``, for the clerk to recall (called after payments and agency
        collections post). Not recalled automatically: a payment can still come
        back (returned check, ACH return) and the agency may have collected the
        same debt meanwhile, so the clerk confirms with the agency first.

        :return: the referrals flagged
        """
        # Balances are read from the ledger, not stored: the payment just moved them.
        self.env["utility.account"].invalidate_model(["amount_balance"])
        referrals = (
            self.sudo()
            .search(
                [
                    ("account_id", "in", accounts.ids),
                    ("state", "in", ("referred", "exported")),
                    ("date_paid", "=", False),
                ]
            )
            .filtered(lambda r: r.currency_id.compare_amounts(r.account_id.amount_balance, 0) <= 0)
        )
        if not referrals:
            return referrals
        referrals._as_action().write({"date_paid": day})
        for referral in referrals:
            referral.message_post(
                body=self.env._(
                    "Paid in full on %(date)s while at the agency: recall it.",
                    date=format_date(self.env, day),
                )
            )
        return referrals

    def _get_agency_rows(self):
        """The agency file's rows of ``self``, in ``AGENCY_FILE_COLUMNS`` order."""
        rows = []
        for referral in self:
            account = referral.account_id
            mail = account.mailing_partner_id or account.partner_id
            rows.append(
                [
                    account.name,
                    account.partner_id.name,
                    ", ".join(filter(None, [mail.street, mail.street2])),
                    mail.city or "",
                    mail.state_id.code or "",
                    mail.zip or "",
                    mail.phone or "",
                    mail.email or "",
                    account.location_id.display_name or "",
                    referral.date_referred.strftime("%m/%d/%Y"),
                    f"{referral.amount_referred:.2f}",
                    "Y" if referral.write_off_line_id else "N",
                    "RECALL" if referral.state == "recalled" else "NEW",
                    referral.date_paid.strftime("%m/%d/%Y") if referral.date_paid else "",
                ]
            )
        return rows

    def action_export(self):
        """The agency's file of the referrals of ``self`` not sent yet (NEW) and of
        those recalled since they were sent (RECALL); they are then marked sent, so
        a second export sends none of them again."""
        if not self.env.user.has_group(BILLING_GROUP):
            raise AccessError(self.env._("Only billing staff send the agency file."))
        new = self.filtered(lambda r: r.state == "referred")
        recalls = self.filtered(
            lambda r: r.state == "recalled" and r.date_exported and not r.date_recall_sent
        )
        if not new and not recalls:
            raise UserError(self.env._("Every referral selected was already sent to the agency."))
        to_send = new | recalls
        action = to_send._download_csv(
            "agency_referrals", AGENCY_FILE_COLUMNS, to_send._get_agency_rows()
        )
        today = fields.Date.context_today(self)
        new._as_action().write({"state": "exported", "date_exported": today})
        recalls._as_action().write({"date_recall_sent": today})
        return action
