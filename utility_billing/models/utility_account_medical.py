# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import format_date


class UtilityAccount(models.Model):
    """Medical / life support comes from certificates with their dates: the flag
    says a certificate is in force today (kept true by the daily check), and the
    shut-off hold looks at the certificate in force on the shut-off date."""

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    medical_certificate_ids = fields.One2many(
        "utility.medical.certificate", "account_id", string="Medical Certificates"
    )
    is_life_support = fields.Boolean(
        compute="_compute_is_life_support",
        store=True,
        readonly=True,
        help="A medical / life-support certificate is in force today: never shut off "
        "for non-payment while it is.",
    )
    date_life_support_end = fields.Date(
        string="Certificate Expires On", compute="_compute_date_life_support_end"
    )
    medical_certificate_count = fields.Integer(compute="_compute_date_life_support_end")

    @api.depends("medical_certificate_ids.date_start", "medical_certificate_ids.date_end")
    def _compute_is_life_support(self):
        """In force today. An account flagged before certificates existed, with
        none on file, keeps its flag (and its hold) until a clerk enters one."""
        today = self.env.context.get("utility_medical_today") or fields.Date.context_today(self)
        legacy = set()
        stored = self.filtered(lambda a: isinstance(a.id, int) and not a.medical_certificate_ids)
        if stored:
            self.env.cr.execute(
                "SELECT id FROM utility_account WHERE id = ANY(%s) AND is_life_support",
                [stored.ids],
            )
            legacy = {row[0] for row in self.env.cr.fetchall()}
        for account in self:
            certificates = account.medical_certificate_ids
            account.is_life_support = (
                any(c.date_start <= today <= c.date_end for c in certificates)
                if certificates
                else account.id in legacy
            )

    def _compute_date_life_support_end(self):
        today = fields.Date.context_today(self)
        for account in self:
            certificates = account.medical_certificate_ids
            in_force = certificates.filtered(lambda c: c.date_start <= today <= c.date_end)
            account.date_life_support_end = max(in_force.mapped("date_end"), default=False)
            account.medical_certificate_count = len(certificates)

    def action_view_medical_certificates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_medical_certificate_action"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def _get_collection_holds(self, day, step):
        """A certificate in force on ``day`` holds the account from the shut-off;
        an expired one no longer does."""
        holds = super()._get_collection_holds(day, step)
        if step != "shutoff":
            return holds
        certificates = (
            self.env["utility.medical.certificate"]
            .sudo()
            .search(
                [
                    ("account_id", "in", self.ids),
                    ("date_start", "<=", day),
                    ("date_end", ">=", day),
                ],
                order="date_end desc",
            )
        )
        for account in self.filtered(
            lambda a: a.is_life_support and not a.sudo().medical_certificate_ids
        ):
            holds.setdefault(
                account.id, self.env._("medical / life support, no certificate on file")
            )
        for certificate in certificates:
            holds.setdefault(
                certificate.account_id.id,
                self.env._(
                    "medical / life support certificate until %(date)s",
                    date=format_date(self.env, certificate.date_end),
                ),
            )
        return holds
