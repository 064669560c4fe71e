# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _create_fee_invoices(self, fees):
        """Post one small invoice (bill kind *Fee*) per fee, in one ``create``.

        Every fee outside a periodic bill (a returned payment, a reconnect, a door
        hanger) is billed the same way, so the account's statement, aging and the
        next payment treat it like any bill.

        :param fees: list of dicts with ``account`` (utility.account), ``amount``
            (in the company's currency, > 0), ``date``, ``label`` (the line's
            text), ``income_account`` (account.account) and ``origin``
        :return: the posted invoices, in the order of ``fees``
        """
        if not fees:
            return self.env["account.move"]
        journals = {}
        vals_list = []
        for fee in fees:
            account = fee["account"]
            company = account.company_id
            if company not in journals:
                journals[company] = self.env["account.journal"].search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("type", "=", "sale"),
                    ],
                    limit=1,
                )
            vals_list.append(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "journal_id": journals[company].id,
                    "partner_id": account.partner_id.id,
                    "invoice_date": fee["date"],
                    "invoice_date_due": fee["date"],
                    "invoice_payment_term_id": False,
                    "invoice_origin": fee["origin"],
                    "utility_account_id": account.id,
                    "utility_location_id": account.location_id.id,
                    "utility_bill_kind": "fee",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": fee["label"],
                                "account_id": fee["income_account"].id,
                                "quantity": 1.0,
                                "price_unit": fee["amount"],
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        moves = self.env["account.move"].sudo().create(vals_list)
        moves.action_post()
        return moves
