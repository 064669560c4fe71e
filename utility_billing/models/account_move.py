# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # ------------------------------------------------------------------
    # Utility bill header: what, where and when this bill is for
    # ------------------------------------------------------------------
    utility_account_id = fields.Many2one(
        "utility.account",
        index="btree_not_null",
        copy=False,
        readonly=True,
        check_company=True,
        help="Customer account of the utility this bill, payment or adjustment belongs to.",
    )
    utility_location_id = fields.Many2one(
        "utility.service.location",
        string="Service Location",
        copy=False,
        readonly=True,
    )
    utility_billing_run_id = fields.Many2one(
        "utility.billing.run",
        string="Billing Run",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    utility_period_start = fields.Date(string="Service Period Start", copy=False, readonly=True)
    utility_period_end = fields.Date(string="Service Period End", copy=False, readonly=True)
    utility_date_penalty = fields.Date(
        string="Penalty Date",
        copy=False,
        readonly=True,
        help="Day after which the late fee applies (from the billing cycle).",
    )
    utility_bill_kind = fields.Selection(
        [
            ("cycle", "Cycle Bill"),
            ("final", "Final Bill"),
            ("demand", "Bill on Demand"),
            ("back", "Back-Bill"),
            ("rebill", "Corrected Bill"),
            ("cancel", "Bill Cancellation"),
        ],
        string="Bill Kind",
        copy=False,
        readonly=True,
        help="Bill Cancellation: the credit note of a cancel-and-rebill, crediting the "
        "whole cancelled bill.",
    )
    # Cancel-and-rebill: the credit note links the old bill by reversed_entry_id,
    # the corrected bill by this field.
    utility_corrected_move_id = fields.Many2one(
        "account.move",
        string="Corrects Bill",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The bill this corrected bill replaces; a credit note cancelled it.",
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Stored so an account's balance is one grouped query on the ledger. The
    # bill's account by default; a payment entry covering several accounts
    # (a lockbox file) sets it line by line.
    utility_account_id = fields.Many2one(
        "utility.account",
        compute="_compute_utility_account_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        precompute=True,
        copy=True,
    )
    utility_payment_id = fields.Many2one(
        "utility.payment",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    utility_paid_item_id = fields.Many2one(
        "account.move.line",
        string="Paid Bill Item",
        copy=False,
        readonly=True,
        help="The bill's receivable item this payment line was allocated to.",
    )

    @api.depends("move_id.utility_account_id")
    def _compute_utility_account_id(self):
        for line in self:
            line.utility_account_id = line.move_id.utility_account_id or line.utility_account_id

    # ------------------------------------------------------------------
    # What an invoice line of a utility bill says (SPEC 2.4): its service,
    # consumption, read dates and rate component
    # ------------------------------------------------------------------
    utility_service_id = fields.Many2one(
        "utility.account.service",
        index="btree_not_null",
        copy=False,
        readonly=True,
    )
    utility_service_type_id = fields.Many2one(
        "utility.service.type", string="Service Type", copy=False, readonly=True
    )
    utility_rate_line_id = fields.Many2one(
        "utility.rate.line", string="Rate Component", copy=False, readonly=True
    )
    utility_component = fields.Char(string="Component", copy=False, readonly=True)
    utility_date_from = fields.Date(string="Read From", copy=False, readonly=True)
    utility_date_to = fields.Date(string="Read To", copy=False, readonly=True)
    utility_consumption = fields.Float(
        string="Consumption", digits=(16, 3), copy=False, readonly=True, aggregator=None
    )
    utility_reading_id = fields.Many2one(
        "utility.meter.reading",
        string="Current Reading",
        copy=False,
        readonly=True,
        help="The reading that closes the billed period of a metered service.",
    )
