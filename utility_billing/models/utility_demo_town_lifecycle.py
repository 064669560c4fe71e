# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Move-ins and move-outs in the demo town.

Three North Side tenants left this month: one had paid ahead, so the final
bill went to her forwarding address and the credit left was refunded, and a
newcomer moved in the same day on the meter as it stood; one rented from a
landlord, so service reverted to the owner; the third left a balance for
collections, and water has run through the meter of the empty house since:
it is on the vacancy list.
"""

from datetime import timedelta

from odoo import api, models


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_lifecycle(self):
        company = self.env.company
        bank = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "bank")],
            limit=1,
        )
        if not bank:
            return False  # no chart of accounts: nothing can be posted
        accounts = (
            self.env["utility.account"]
            .search(
                [
                    ("cycle_id", "=", self.env.ref("utility_billing.billing_cycle_north").id),
                    ("state", "=", "active"),
                    ("customer_class", "=", "residential"),
                    ("is_autopay", "=", False),
                    ("move_ids", "!=", False),
                ],
                order="name desc",
            )
            .filtered(lambda a: a.service_ids.meter_id)
        )
        with_owner = accounts.filtered("location_id.owner_id")[:1]
        others = (accounts - with_owner)[:2]
        if len(others) < 2:
            return False
        refunded, vacated = others
        self._demo_move_out_with_refund(refunded, bank)
        if with_owner:
            with_owner._move_out(
                self._demo_move_out_date(with_owner),
                self._demo_final_reads(with_owner),
                revert_to_owner=True,
            )
        self._demo_vacancy(vacated)
        return True

    def _demo_move_out_date(self, account):
        return max(account.service_ids.meter_id.mapped("last_reading_date")) + timedelta(days=3)

    def _demo_final_reads(self, account, used=600.0):
        return {meter.id: meter.last_reading_value + used for meter in account.service_ids.meter_id}

    def _demo_move_out_with_refund(self, account, bank):
        """Paid 40.00 more than owed by mail, moved out, refunded; a newcomer moves in."""
        day = self._demo_move_out_date(account)
        payment = self.env["utility.payment"].create(
            {
                "date": day - timedelta(days=1),
                "source": "lockbox",
                "journal_id": bank.id,
                "line_ids": [
                    (0, 0, {"account_id": account.id, "amount": account.amount_balance + 40.0})
                ],
            }
        )
        payment.action_post()
        account._move_out(
            day,
            self._demo_final_reads(account),
            forwarding={"street": "2207 Elm Avenue", "city": "Cedar Falls", "zip": "50613"},
            settlement="refund",
            refund_journal=bank,
        )
        location = account.location_id
        newcomer = self.env["res.partner"].create(
            {"name": "Maya Lindqvist", "email": "maya.lindqvist@example.com"}
        )
        new = self.env["utility.account"]._move_in(
            location, newcomer, day, location._prepare_services_from(account), is_paperless=True
        )
        new._send_letter("utility_billing.mail_template_utility_welcome")
        return new

    def _demo_vacancy(self, account):
        """Moved out owing; the empty house's meter keeps turning."""
        day = self._demo_move_out_date(account)
        reads = self._demo_final_reads(account)
        account._move_out(day, reads, settlement="keep")
        self.env["utility.meter.reading"].create(
            [
                {"meter_id": meter_id, "date": day + timedelta(days=9), "value": value + 1800.0}
                for meter_id, value in reads.items()
            ]
        )
