# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Payment arrangements in the demo town: the down payment tiers of the city
(Water District 7's), one arrangement kept and one broken.

The demo's bills are this month's, so nothing is past due yet: two North Side
households carry a balance from the billing system the town converted from
(a bill of last winter, long past due), the history both arrangements start on.
"""

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models

DEMO_CSR_LOGIN = "demo_csr"


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_arrangements(self):
        """Tiers, then a plan paid in full (kept) and one whose second installment
        was missed (broken by the daily check), both set up by the CSR."""
        self._demo_arrangement_tiers()
        billing, accounts = self._demo_plain_north_accounts(2)
        if len(accounts) < 2:
            return False  # nothing billed (no chart of accounts)
        return self._demo_arrangements(
            accounts[0], accounts[1], billing.journal_id, fields.Date.context_today(self)
        )

    def _demo_plain_north_accounts(self, limit, domain=(), order="name desc"):
        """The North Side's latest posted billing run and ``limit`` of its active
        residential accounts without level pay, autopay or life support (the
        collections demos' households), narrowed by ``domain``.

        :return: (utility.billing.run, utility.account); both empty when nothing
                 was billed (no chart of accounts)
        """
        Account = self.env["utility.account"]
        north = self.env.ref("utility_billing.billing_cycle_north", raise_if_not_found=False)
        billing = self.env["utility.billing.run"].search(
            [("cycle_id", "=", north.id if north else False), ("state", "=", "posted")],
            order="date_penalty desc",
            limit=1,
        )
        if not billing:
            return billing, Account
        accounts = Account.search(
            [
                ("cycle_id", "=", north.id),
                ("state", "=", "active"),
                ("customer_class", "=", "residential"),
                ("is_level_pay", "=", False),
                ("is_autopay", "=", False),
                ("is_life_support", "=", False),
                *domain,
            ],
            order=order,
            limit=limit,
        )
        return billing, accounts

    def _demo_arrangements(self, kept_account, broken_account, journal, today):
        """The two arrangements on their old balances, run through the daily check."""
        self._demo_old_balances(journal, {kept_account: 164.20, broken_account: 238.75}, today)
        csr = self.env["res.users"].search([("login", "=", DEMO_CSR_LOGIN)], limit=1)
        Arrangement = self.env["utility.payment.arrangement"].with_user(csr or self.env.user)
        kept = Arrangement.create(
            {
                "account_id": kept_account.id,
                "date_start": today - relativedelta(days=75),
                "installment_count": 2,
                "frequency": "monthly",
                "date_first": today - relativedelta(days=45),
                "note": "Lost hours at work over the winter; asked for two months.",
            }
        )
        broken = Arrangement.create(
            {
                "account_id": broken_account.id,
                "date_start": today - relativedelta(days=40),
                "installment_count": 3,
                "frequency": "monthly",
                "date_first": today - relativedelta(days=10),
                "note": "Medical bills; promised the first installment on payday.",
            }
        )
        (kept | broken).action_confirm()
        for arrangement, paid_lines in ((kept, kept.line_ids), (broken, broken.line_ids[:1])):
            self._demo_arrangement_payments(arrangement.account_id, paid_lines)
        self.env["utility.payment.arrangement"]._cron_monitor(today=today)
        return kept | broken

    def _demo_arrangement_tiers(self):
        """Water District 7: before a disconnect 50 % down under $100, 20 % above;
        after one 100 % under $100, 50 % above."""
        return self.env["utility.payment.arrangement.tier"].create(
            [
                {"amount_from": amount, "percent": percent, "is_disconnected": off}
                for amount, percent, off in (
                    (0.0, 50.0, False),
                    (100.0, 20.0, False),
                    (0.0, 100.0, True),
                    (100.0, 50.0, True),
                )
            ]
        )

    def _demo_old_balances(self, journal, amounts, today):
        """A bill of last winter on each account, as the converted system left it."""
        day = today - relativedelta(days=120)
        water = self.env.ref("utility_billing.service_type_water")
        vals_list = []
        for account, amount in amounts.items():
            types = account.service_ids.service_type_id
            service_type = (types & water) or types[:1]
            vals_list.append(
                {
                    "partner_id": account.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": day,
                    "invoice_date_due": day + relativedelta(days=20),
                    "utility_account_id": account.id,
                    "utility_location_id": account.location_id.id,
                    "utility_bill_kind": "cycle",
                    "lines": [
                        {
                            "name": self.env._("Balance brought forward from the previous system"),
                            "product_id": service_type.product_id.id,
                            "account_id": service_type.account_income_id.id,
                            "quantity": 1.0,
                            "price_unit": amount,
                            "utility_service_type_id": service_type.id,
                        }
                    ],
                }
            )
        return self.env["utility.bill.builder"]._create_posted_moves(vals_list)

    def _demo_arrangement_payments(self, account, lines):
        """One mailed check per installment paid, on its due date."""
        payments = self.env["utility.payment"].create(
            [
                {
                    "date": line.date_due,
                    "partner_id": account.partner_id.id,
                    "line_ids": [Command.create({"account_id": account.id, "amount": line.amount})],
                }
                for line in lines
            ]
        )
        payments.action_post()
        return payments
