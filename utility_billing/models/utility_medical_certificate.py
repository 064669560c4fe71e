# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .utility_locked_fields_mixin import as_action


class UtilityMedicalCertificate(models.Model):
    """A medical / life-support certificate: a physician certifies that shutting
    off the water would endanger a resident, from one date to its expiry.

    While a certificate is in force on the shut-off date the account is held
    from the shut-off list; once it expires it no longer holds. A daily action
    asks a clerk to request the renewal some days before the expiry (setting);
    a renewal is a new certificate following the old one, and the city may
    limit how many renewals follow each other (Chatham, IL: a second form
    extends the 30 days once).
    """

    _name = "utility.medical.certificate"
    _description = "Utility Medical Certificate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    account_id = fields.Many2one(
        "utility.account", required=True, index=True, check_company=True, tracking=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, precompute=True, index=True
    )
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    resident_name = fields.Char(
        string="Resident", required=True, tracking=True, help="Who the certificate protects."
    )
    certified_by = fields.Char(required=True, tracking=True, help="Physician or clinic.")
    date_start = fields.Date(string="Valid From", required=True, tracking=True)
    date_end = fields.Date(string="Expires On", required=True, tracking=True, index=True)
    renewed_from_id = fields.Many2one(
        "utility.medical.certificate",
        string="Renewal Of",
        readonly=True,
        check_company=True,
        index="btree_not_null",
    )
    renewal_count = fields.Integer(
        compute="_compute_renewal_count",
        store=True,
        recursive=True,
        help="Renewals in a row before this one.",
    )
    date_reminded = fields.Date(
        string="Renewal Requested On", readonly=True, copy=False, tracking=True
    )
    is_valid_today = fields.Boolean(
        string="In Force", compute="_compute_is_valid_today", search="_search_is_valid_today"
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "dates_check",
            "CHECK(date_end >= date_start)",
            "A certificate expires on or after the day it starts.",
        ),
    ]

    @api.depends("renewed_from_id.renewal_count")
    def _compute_renewal_count(self):
        for certificate in self:
            previous = certificate.renewed_from_id
            certificate.renewal_count = previous.renewal_count + 1 if previous else 0

    def _compute_is_valid_today(self):
        today = fields.Date.context_today(self)
        for certificate in self:
            certificate.is_valid_today = certificate.date_start <= today <= certificate.date_end

    def _search_is_valid_today(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search certificates in force with Yes or No."))
        today = fields.Date.context_today(self)
        domain = [("date_start", "<=", today), ("date_end", ">=", today)]
        if (operator == "=") == value:
            return domain
        return ["|", ("date_start", ">", today), ("date_end", "<", today)]

    @api.depends("account_id", "date_end")
    def _compute_display_name(self):
        for certificate in self:
            certificate.display_name = self.env._(
                "%(account)s: certificate until %(date)s",
                account=certificate.account_id.name or "",
                date=format_date(self.env, certificate.date_end),
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_renew(self):
        """Open the renewal: a new certificate from the day after this one expires."""
        self.ensure_one()
        self._check_renewal_allowed()
        length = self.date_end - self.date_start
        start = self.date_end + timedelta(days=1)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_account_id": self.account_id.id,
                "default_resident_name": self.resident_name,
                "default_certified_by": self.certified_by,
                "default_date_start": fields.Date.to_string(start),
                "default_date_end": fields.Date.to_string(start + length),
                "utility_renewed_from_id": self.id,
            },
        }

    def _check_renewal_allowed(self):
        limit = self.company_id.utility_medical_max_renewals
        if limit and self.renewal_count >= limit:
            raise UserError(
                self.env._(
                    "This certificate was already renewed %(count)s times, the most the "
                    "city allows: the customer needs a payment arrangement instead.",
                    count=self.renewal_count,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        renewed_from = self.env.context.get("utility_renewed_from_id")
        if renewed_from:
            previous = self.browse(renewed_from)
            previous._check_renewal_allowed()
            for vals in vals_list:
                vals.setdefault("renewed_from_id", previous.id)
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Daily check
    # ------------------------------------------------------------------
    @api.model
    def _cron_medical_certificates(self, today=None):
        """Ask for the renewal of certificates about to expire (one activity per
        certificate, on the account), and keep the accounts' Medical / Life Support
        flag true to the certificates in force today."""
        today = today or fields.Date.context_today(self)
        to_remind = self.search(
            [("date_reminded", "=", False), ("date_end", ">=", today)]
        ).filtered(
            lambda c: (
                c.date_end <= today + timedelta(days=c.company_id.utility_medical_reminder_days)
            )
        )
        renewed = self.search([("renewed_from_id", "in", to_remind.ids)]).renewed_from_id
        to_remind -= renewed
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("utility.account"),
                    "res_id": certificate.account_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._("Medical certificate expires soon"),
                    "note": self.env._(
                        "The medical certificate of %(resident)s expires on %(date)s: ask the "
                        "customer for a renewal.",
                        resident=certificate.resident_name,
                        date=format_date(self.env, certificate.date_end),
                    ),
                    "date_deadline": certificate.date_end,
                }
                for certificate in to_remind
            ]
        )
        # date_reminded is written by this check only (the renewal letter goes once)
        as_action(to_remind).write({"date_reminded": today})
        accounts = self.env["utility.account"].search(
            [
                "|",
                ("is_life_support", "=", True),
                ("medical_certificate_ids.date_start", "=", today),
            ]
        )
        accounts = accounts.with_context(utility_medical_today=today)
        self.env.add_to_compute(accounts._fields["is_life_support"], accounts)
        accounts._recompute_recordset(["is_life_support"])
        return to_remind
