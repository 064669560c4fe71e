# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import format_amount, format_date


class UtilityAccount(models.Model):
    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    def _get_last_bills(self, domain=()):
        """The latest posted bill of each account (``domain`` narrows which), one
        query, read as superuser: {account id: account.move}."""
        bills = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("utility_account_id", "in", self.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    *domain,
                ],
                order="invoice_date desc, id desc",
            )
        )
        last = {}
        for bill in bills:
            last.setdefault(bill.utility_account_id.id, bill)
        return last

    def _get_status_letter_data(self):
        """What the account status letter says of each account: balance, last
        bill, last payment, deposit held, status and services, formatted.

        Two queries for the whole recordset (bills, payments), read as superuser
        once the caller's read access is checked: a cashier prints it at the
        counter without rights on the ledger.

        :return: {account id: dict}
        """
        self.check_access("read")
        accounts = self.sudo()
        last_bill = accounts._get_last_bills()
        lines = (
            self.env["utility.payment.line"]
            .sudo()
            .search(
                [("account_id", "in", accounts.ids), ("payment_id.state", "=", "posted")],
                order="id desc",
            )
        )
        last_payment = {}
        for line in lines.sorted(lambda ln: (ln.payment_id.date, ln.id), reverse=True):
            last_payment.setdefault(line.account_id.id, line)
        states = dict(self._fields["state"]._description_selection(self.env))
        service_states = dict(
            self.env["utility.account.service"]._fields["state"]._description_selection(self.env)
        )
        today = fields.Date.context_today(self)
        splits = accounts._get_balance_split_values()
        data = {}
        for account in accounts:
            currency = account.currency_id

            def money(amount, currency=currency):
                return format_amount(self.env, amount, currency)

            bill = last_bill.get(account.id)
            payment = last_payment.get(account.id)
            data[account.id] = {
                "account": account,
                "company": account.company_id,
                "date_printed": format_date(self.env, today),
                "status": states.get(account.state, ""),
                "balance": money(account.amount_balance),
                "deposit": money(account.amount_deposit),
                "split": splits[account.id],
                "bill": bill
                and {
                    "name": bill.name,
                    "date": format_date(self.env, bill.invoice_date),
                    "due": format_date(self.env, bill.invoice_date_due),
                    "amount": money(bill.amount_total),
                },
                "payment": payment
                and {
                    "date": format_date(self.env, payment.payment_id.date),
                    "amount": money(payment.amount),
                },
                "services": [
                    {
                        "name": service.service_type_id.name,
                        "status": service_states.get(service.state, ""),
                        "since": format_date(self.env, service.date_start),
                    }
                    for service in account.service_ids.sorted(
                        lambda s: (s.service_type_id.sequence, s.id)
                    )
                ],
            }
        return data
