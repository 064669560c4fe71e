# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import format_date

TODO = "mail.mail_activity_data_todo"


class UtilityAgencyReferral(models.Model):
    """A referral paid in full while at the agency gives the collections clerk a
    to-do, "Recall from the agency", once: the clerk confirms with the agency
    and clicks Recall (which marks the to-do done)."""

    _name = "utility.agency.referral"
    _inherit = ["utility.agency.referral", "mail.activity.mixin"]

    @api.model
    def _flag_paid_in_full(self, accounts, day):
        referrals = super()._flag_paid_in_full(accounts, day)
        referrals._schedule_recall_activity(day)
        return referrals

    def _get_recall_user(self):
        """Who recalls the referral: the company's *Agency Recalls To*, else the
        clerk who referred the account, else whoever created the referral."""
        self.ensure_one()
        return (
            self.company_id.utility_agency_recall_user_id or self.referred_by_id or self.create_uid
        )

    def _schedule_recall_activity(self, day):
        """One to-do "Recall from the agency" per referral of ``self`` that has
        none open yet, created in one batch."""
        todo = self.env.ref(TODO)
        model = self.env["ir.model"]._get_id(self._name)
        has_one = set(self._get_recall_activities().mapped("res_id"))
        self.env["mail.activity"].sudo().create(
            [
                {
                    "res_model_id": model,
                    "res_id": referral.id,
                    "activity_type_id": todo.id,
                    "summary": self.env._("Recall from the agency"),
                    "note": self.env._(
                        "%(account)s was paid in full on %(date)s while at the collection "
                        "agency. Confirm with the agency, then click Recall.",
                        account=referral.account_id.display_name,
                        date=format_date(self.env, day),
                    ),
                    "user_id": referral._get_recall_user().id,
                    "date_deadline": day,
                }
                for referral in self
                if referral.id not in has_one
            ]
        )

    def _get_recall_activities(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", self.env.ref(TODO).id),
                    ("summary", "=", self.env._("Recall from the agency")),
                ]
            )
        )

    def action_recall(self):
        """Recalling the referral is what its to-do asked: marked done."""
        result = super().action_recall()
        self._get_recall_activities().action_feedback(
            feedback=self.env._("Recalled from the agency.")
        )
        return result
