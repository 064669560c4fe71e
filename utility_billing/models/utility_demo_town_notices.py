# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Collection notices in the demo town: South Side's delinquency run has sent
its past-due and final notices (one withdrawn when the customer paid) and
released its door-hanger list, with the crews' orders and the fee."""

from datetime import timedelta

from odoo import Command, api, fields, models

from ..lib import notices as notice_dates


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_notices(self):
        """Past-due notices the day after the late fees, final notices four
        business days later, the door-hanger list today (never after today)."""
        run = self.env["utility.delinquency.run"].search(
            [("state", "=", "posted"), ("notice_ids", "=", False)], order="id desc", limit=1
        )
        if not run:
            return False
        # The steps' jobs run in this transaction: no queue, and no commit while
        # the module installs.
        run = run.with_context(queue_job__no_delay=True, utility_billing_run_commit=False)
        company = run.company_id
        company._get_utility_field_fee_account()  # the door-hanger fee's revenue
        today = fields.Date.context_today(self)
        holidays = company._get_utility_holidays(run.date_fee, today)
        past_due_day = min(
            notice_dates.next_business_day(run.date_fee + timedelta(days=1), holidays), today
        )
        final_day = min(notice_dates.shutoff_after_business_days(past_due_day, 4, holidays), today)
        run.date_notice = past_due_day
        run.action_notices_past_due()
        run.action_send_notices()
        self._demo_pay_a_notice(run, past_due_day)
        run.date_notice = final_day
        run.action_notices_final()
        run.action_send_notices()
        run.date_notice = today
        run.action_door_hangers()
        if run.door_hanger_to_release_count:
            run.action_release_door_hangers()
        return run

    def _demo_pay_a_notice(self, run, day):
        """The first customer sent a past-due notice pays in full the day after:
        the notice is withdrawn."""
        notice = run.notice_ids.filtered(lambda n: n.state == "sent")[:1]
        bank = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(run.company_id),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        if not notice or not bank:
            return False
        account = notice.account_id
        account.invalidate_recordset(["amount_balance"])
        payment = self.env["utility.payment"].create(
            {
                "date": min(day + timedelta(days=1), fields.Date.context_today(self)),
                "source": "lockbox",
                "journal_id": bank.id,
                "line_ids": [
                    Command.create({"account_id": account.id, "amount": account.amount_balance})
                ],
            }
        )
        payment.action_post()
        return payment
