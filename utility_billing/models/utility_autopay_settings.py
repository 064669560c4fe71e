# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Company settings of autopay (the NACHA originator) and of returned payments."""

import re

from odoo import fields, models
from odoo.exceptions import UserError

from ..lib import nacha


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited
    # ------------------------------------------------------------------
    # Autopay: the city as the originator of the NACHA debit file
    # ------------------------------------------------------------------
    utility_ach_immediate_destination = fields.Char(
        string="Immediate Destination",
        size=9,
        help="Routing number of the bank (or ACH operator) the autopay file is sent to.",
    )
    utility_ach_immediate_destination_name = fields.Char(
        string="Immediate Destination Name", size=23, help="Name of that bank."
    )
    utility_ach_immediate_origin = fields.Char(
        string="Immediate Origin",
        size=10,
        help="The city as its bank knows the sender of the file (often 1 + the tax id). "
        "Empty: the company identification.",
    )
    utility_ach_immediate_origin_name = fields.Char(
        string="Immediate Origin Name", size=23, help="Empty: the company's name."
    )
    utility_ach_company_name = fields.Char(
        string="ACH Company Name",
        size=16,
        help="Name shown on the customers' bank statements. Empty: the company's name.",
    )
    utility_ach_company_identification = fields.Char(
        string="ACH Company Identification",
        size=10,
        help="Company identification of the batches, given by the bank (often 1 + the "
        "9-digit tax id). Empty: 1 + the company's tax id.",
    )
    utility_ach_odfi_routing = fields.Char(
        string="Originating Bank Routing (ODFI)",
        size=9,
        help="Routing number of the city's bank account the debits settle to; its first "
        "8 digits start every trace number. Empty: the immediate destination.",
    )
    utility_ach_entry_description = fields.Char(
        string="Entry Description",
        size=10,
        default="UTILITY",
        help="Shown on the customers' bank statements beside the company name.",
    )
    utility_autopay_journal_id = fields.Many2one(
        "account.journal",
        string="Autopay Bank Journal",
        check_company=True,
        domain="[('type', '=', 'bank')]",
        help="Bank journal the autopay debits settle to. Empty: the first bank journal.",
    )

    # ------------------------------------------------------------------
    # Returned payments (NSF)
    # ------------------------------------------------------------------
    utility_nsf_fee_amount = fields.Monetary(
        string="Returned Payment Fee",
        currency_field="currency_id",
        default=25.0,
        help="Fee billed for a returned check or ACH debit, unless a fee schedule is set.",
    )
    utility_nsf_fee_schedule_id = fields.Many2one(
        "utility.rate.schedule",
        string="Returned Payment Fee Schedule",
        domain="[('is_fee_schedule', '=', True)]",
        help="Fee schedule whose NSF fee (by date and customer class) is billed; "
        "empty: the fixed fee above.",
    )
    utility_nsf_fee_account_id = fields.Many2one(
        "account.account",
        string="Returned Payment Fee Account",
        check_company=True,
        help="Revenue account of the returned payment fees. Created at the first fee when empty.",
    )
    utility_cash_only_return_count = fields.Integer(
        string="Returns Before Cash Only",
        default=2,
        help="An account whose payments came back this many times in 12 months is "
        "flagged cash only: the counter takes no more checks for it.",
    )

    def _get_utility_ach_originator(self):
        """The NACHA originator of the company; raise one error listing what is missing."""
        self.ensure_one()
        tax_id = re.sub(r"\D", "", self.vat or "")
        company_id = self.utility_ach_company_identification or (
            f"1{tax_id}" if len(tax_id) == 9 else ""
        )
        originator = nacha.Originator(
            immediate_destination=self.utility_ach_immediate_destination or "",
            immediate_destination_name=self.utility_ach_immediate_destination_name or "",
            immediate_origin=self.utility_ach_immediate_origin or company_id,
            immediate_origin_name=self.utility_ach_immediate_origin_name or self.name,
            company_name=self.utility_ach_company_name or self.name,
            company_id=company_id,
            odfi_routing=self.utility_ach_odfi_routing
            or self.utility_ach_immediate_destination
            or "",
            entry_description=self.utility_ach_entry_description or "UTILITY",
        )
        problems = originator.problems()
        if problems:
            raise UserError(
                self.env._(
                    "Complete the autopay settings of %(company)s (Settings > Utility Billing):"
                    "\n%(problems)s",
                    company=self.name,
                    problems="\n".join(problems),
                )
            )
        return originator

    def _get_utility_autopay_journal(self):
        self.ensure_one()
        journal = self.utility_autopay_journal_id or self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self), ("type", "=", "bank")],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._("Create a bank journal for the autopay debits of %(company)s.",
                           company=self.name)
            )  # fmt: skip
        return journal

    def _get_utility_nsf_fee_account(self):
        """Revenue account of returned payment fees, created when the city has not chosen one."""
        self.ensure_one()
        if self.utility_nsf_fee_account_id:
            return self.utility_nsf_fee_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        account = Account.create(
            {
                "name": self.env._("Returned Payment Fees"),
                "code": Account._search_new_account_code("459000"),
                "account_type": "income_other",
            }
        )
        self.sudo().utility_nsf_fee_account_id = account
        return account

    def _get_utility_nsf_fee(self, account, on_date):
        """Returned payment fee of ``account`` on ``on_date``: the fee schedule's NSF
        fee for the account's class when a schedule is set, else the fixed fee."""
        self.ensure_one()
        schedule = self.utility_nsf_fee_schedule_id
        if schedule:
            amount = schedule._fee_amount(
                "nsf", on_date, customer_class=account.customer_class.code or None
            )
            if amount is not None:
                return float(amount)
        return self.utility_nsf_fee_amount


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited
    utility_ach_immediate_destination = fields.Char(
        related="company_id.utility_ach_immediate_destination", readonly=False
    )
    utility_ach_immediate_destination_name = fields.Char(
        related="company_id.utility_ach_immediate_destination_name", readonly=False
    )
    utility_ach_immediate_origin = fields.Char(
        related="company_id.utility_ach_immediate_origin", readonly=False
    )
    utility_ach_immediate_origin_name = fields.Char(
        related="company_id.utility_ach_immediate_origin_name", readonly=False
    )
    utility_ach_company_name = fields.Char(
        related="company_id.utility_ach_company_name", readonly=False
    )
    utility_ach_company_identification = fields.Char(
        related="company_id.utility_ach_company_identification", readonly=False
    )
    utility_ach_odfi_routing = fields.Char(
        related="company_id.utility_ach_odfi_routing", readonly=False
    )
    utility_ach_entry_description = fields.Char(
        related="company_id.utility_ach_entry_description", readonly=False
    )
    utility_autopay_journal_id = fields.Many2one(
        related="company_id.utility_autopay_journal_id", readonly=False
    )
    utility_nsf_fee_amount = fields.Monetary(
        related="company_id.utility_nsf_fee_amount", readonly=False
    )
    utility_nsf_fee_schedule_id = fields.Many2one(
        related="company_id.utility_nsf_fee_schedule_id", readonly=False
    )
    utility_nsf_fee_account_id = fields.Many2one(
        related="company_id.utility_nsf_fee_account_id", readonly=False
    )
    utility_cash_only_return_count = fields.Integer(
        related="company_id.utility_cash_only_return_count", readonly=False
    )
