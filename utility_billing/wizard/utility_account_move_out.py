# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, api, fields, models
from odoo.tools import format_amount, format_date

from ..models.utility_account_lifecycle import SETTLEMENTS


class UtilityAccountMoveOut(models.TransientModel):
    """Move-out: stop date, final readings, forwarding address, what is left.

    The work is ``utility.account._move_out``: final bill prorated to the day,
    credits applied, the credit refunded or the balance transferred, service
    reverted to the owner when asked.
    """

    _name = "utility.account.move.out"
    _description = "Move Out"
    _check_company_auto = True

    account_id = fields.Many2one("utility.account", required=True, check_company=True)
    company_id = fields.Many2one(related="account_id.company_id")
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(related="account_id.partner_id", string="Customer")
    location_id = fields.Many2one(related="account_id.location_id", string="Premise")
    owner_id = fields.Many2one(related="account_id.location_id.owner_id", string="Owner")
    amount_balance = fields.Monetary(related="account_id.amount_balance", string="Balance Now")
    date_end = fields.Date(
        string="Move-Out Date",
        required=True,
        default=fields.Date.context_today,
        help="Day of the final reading: the last day billed is the day before.",
    )
    final_read_mode = fields.Selection(
        [
            ("now", "The final reading is entered now"),
            ("crew", "Send a crew for the final read"),
        ],
        string="Final Reading",
        default="now",
        required=True,
        help="With a crew, a final-read work order goes out for the move-out date; the "
        "customer is moved out, with these choices, when the crew completes it.",
    )
    line_ids = fields.One2many(
        "utility.account.move.out.line",
        "wizard_id",
        string="Final Readings",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    fwd_street = fields.Char(string="Forwarding Street")
    fwd_street2 = fields.Char(string="Forwarding Unit")
    fwd_city = fields.Char(string="Forwarding City")
    fwd_state_id = fields.Many2one("res.country.state", string="Forwarding State")
    fwd_zip = fields.Char(string="Forwarding ZIP")
    settlement = fields.Selection(
        SETTLEMENTS,
        string="Credit or Balance Left",
        default="refund",
        required=True,
        help="A credit left after the final bill is refunded (a check from the bank "
        "journal) or left on the account; a balance stays for collections or goes to "
        "the customer's new account.",
    )
    transfer_account_id = fields.Many2one(
        "utility.account",
        string="Transfer To",
        check_company=True,
        domain="[('state', 'in', ('pending', 'active')), ('id', '!=', account_id)]",
    )
    refund_journal_id = fields.Many2one(
        "account.journal",
        string="Refund From",
        check_company=True,
        domain="[('type', '=', 'bank')]",
    )
    is_revert_to_owner = fields.Boolean(
        string="Revert Service to the Owner",
        help="Service continues in the owner's name until the next tenant moves in.",
    )

    @api.depends("account_id")
    def _compute_line_ids(self):
        for wizard in self:
            services = wizard.account_id.service_ids.filtered(
                lambda s: s.meter_id and s.state == "active"
            )
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {
                        "meter_id": meter.id,
                        "last_value": meter.last_reading_value,
                        "last_date": meter.last_reading_date,
                        "value": meter.last_reading_value,
                    }
                )
                for meter in services.meter_id
            ]

    def action_confirm(self):
        self.ensure_one()
        forwarding = None
        if self.fwd_street:
            forwarding = {
                "street": self.fwd_street,
                "street2": self.fwd_street2,
                "city": self.fwd_city,
                "state_id": self.fwd_state_id.id,
                "zip": self.fwd_zip,
            }
        account = self.account_id
        if self.final_read_mode == "crew":
            order = account._order_final_read(
                self.date_end,
                forwarding=forwarding,
                settlement=self.settlement,
                transfer_account=self.transfer_account_id,
                revert_to_owner=self.is_revert_to_owner,
                refund_journal=self.refund_journal_id,
            )
            return order._get_form_action()
        bill = account._move_out(
            self.date_end,
            final_reads={line.meter_id.id: line.value for line in self.line_ids},
            forwarding=forwarding,
            settlement=self.settlement,
            transfer_account=self.transfer_account_id,
            revert_to_owner=self.is_revert_to_owner,
            refund_journal=self.refund_journal_id,
        )
        account.message_post(
            body=self.env._(
                "Moved out on %(date)s; balance now %(balance)s.",
                date=format_date(self.env, self.date_end),
                balance=format_amount(self.env, account.amount_balance, account.currency_id),
            )
        )
        if bill:
            return {
                "type": "ir.actions.act_window",
                "res_model": "account.move",
                "res_id": bill.id,
                "view_mode": "form",
                "target": "current",
            }
        return {"type": "ir.actions.act_window_close"}


class UtilityAccountMoveOutLine(models.TransientModel):
    _name = "utility.account.move.out.line"
    _description = "Final Reading of a Move-Out"

    wizard_id = fields.Many2one(
        "utility.account.move.out", required=True, ondelete="cascade", index=True
    )
    meter_id = fields.Many2one("utility.meter", required=True, readonly=True)
    last_value = fields.Float(string="Last Reading", digits=(16, 3), readonly=True)
    last_date = fields.Date(string="Last Read On", readonly=True)
    value = fields.Float(string="Final Reading", digits=(16, 3))
