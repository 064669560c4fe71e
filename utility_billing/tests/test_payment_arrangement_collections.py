# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An active payment arrangement in the delinquency run: no late fee (the
city's setting), its past-due notice held with the arrangement named; once
broken, the next run charges and notices the account again.

Late fee: 10 % of the unpaid current charges, as the demo town's rule
(Hagerstown, MD). $60.00 bill: $6.00 fee. Down payment: Water District 7's
50 % under $100 (waterdistrict7.com/policies/payment-plan): $30.00.
"""

from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common_payment import PaymentCommon

BILL_DATE = date(2025, 10, 15)  # due 2025-11-04
DUE = date(2025, 11, 4)
PENALTY = date(2025, 11, 9)
START = date(2025, 11, 6)


@tagged("post_install", "-at_install")
class TestPaymentArrangementCollections(PaymentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        income = cls.env["account.account"].create(
            {"code": "41911", "name": "Late fee revenue", "account_type": "income"}
        )
        cls.env["utility.late.fee.rule"].create(
            {
                "name": "Late fee",
                "cycle_ids": [Command.link(cls.cycle.id)],
                "percent": 10.0,
                "income_account_id": income.id,
            }
        )
        cls.env["utility.payment.arrangement.tier"].create({"amount_from": 0.0, "percent": 50.0})
        cls.company.write(
            {"utility_arrangement_hold_late_fees": True, "utility_arrangement_grace_days": 5}
        )
        for account in (cls.account, cls.account2):
            cls._post_bill(account, BILL_DATE, {cls.water: 40.00, cls.sewer: 20.00})
        cls.arrangement = cls.env["utility.payment.arrangement"].create(
            {
                "account_id": cls.account.id,
                "date_start": START,
                "installment_count": 2,
                "date_first": date(2025, 12, 6),
            }
        )
        cls.arrangement.action_confirm()

    def _run(self, date_fee, date_penalty=PENALTY):
        run = self.env["utility.delinquency.run"].create(
            {
                "cycle_id": self.cycle.id,
                "date_due": DUE,
                "date_penalty": date_penalty,
                "date_fee": date_fee,
                "journal_id": self.journal.id,
            }
        )
        run.action_compute()
        return run

    def test_active_arrangement_holds_fees_and_notices(self):
        self.assertEqual(self.arrangement.state, "active")
        self.assertEqual(self.arrangement.line_ids.mapped("amount"), [30.0, 15.0, 15.0])
        run = self._run(date(2025, 11, 10))
        line = run.line_ids.filtered(lambda ln: ln.account_id == self.account)
        other = run.line_ids.filtered(lambda ln: ln.account_id == self.account2)
        self.assertEqual(line.state, "none")
        self.assertEqual(line.message, f"Exempt: payment arrangement {self.arrangement.name}.")
        self.assertEqual((other.state, other.amount_fee), ("fee", 6.0))
        run.action_release()
        self.assertFalse(run.move_ids.filtered(lambda m: m.utility_account_id == self.account))
        run.date_notice = date(2025, 11, 12)
        run.action_notices_past_due()
        notice = run.notice_ids.filtered(lambda n: n.account_id == self.account)
        self.assertEqual(notice.state, "held")
        self.assertEqual(notice.hold_reason, f"payment arrangement {self.arrangement.name}")
        self.assertEqual(
            run.notice_ids.filtered(lambda n: n.account_id == self.account2).state, "to_send"
        )

    def test_broken_arrangement_returns_to_the_next_run(self):
        self._payment([(self.account, 30.0)], date=START)
        # December 6 installment missed: broken on the 12th (5 grace days).
        self.env["utility.payment.arrangement"]._cron_monitor(today=date(2025, 12, 12))
        self.assertEqual(self.arrangement.state, "broken")
        run = self._run(date(2025, 12, 15))
        line = run.line_ids.filtered(lambda ln: ln.account_id == self.account)
        # The $30.00 left of the October bill bears its 10 % fee: $3.00.
        self.assertEqual((line.state, line.amount_fee), ("fee", 3.0))
        run.action_release()
        fee = run.move_ids.filtered(lambda m: m.utility_account_id == self.account)
        self.assertEqual(fee.amount_total, 3.0)
        self.assertEqual(
            sorted(fee.line_ids.mapped(lambda ln: (ln.account_id.account_type, ln.balance))),
            [("asset_receivable", 3.0), ("income", -3.0)],
        )
