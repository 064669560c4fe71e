# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib.bill_pdf import render_batch
from ..lib.bill_vendor_file import split_batch, write_vendor_csv


class UtilityBillPrint(models.TransientModel):
    """Print a batch of bills: the mail batch, the special-handling pile, the
    print vendor's file, and the e-mails of paperless customers."""

    _name = "utility.bill.print"
    _description = "Print Utility Bills"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    billing_run_id = fields.Many2one(
        "utility.billing.run",
        help="Print every bill of this run (instead of the selected invoices).",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Bills",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('utility_account_id', '!=', False)]",
        check_company=True,
    )
    bill_count = fields.Integer(string="Bills Selected", compute="_compute_bill_count")
    list_count = fields.Integer(
        string="Bills in the List",
        readonly=True,
        help="Printable bills of the list the clerk printed from (not only the ticked ones).",
    )
    message = fields.Text(
        help="Printed on every bill of this batch (e.g. a rate change or a holiday closure)."
    )
    is_send_email = fields.Boolean(
        string="E-mail Paperless Bills",
        default=True,
        help="Queue the e-mail of paperless customers' bills (each bill is e-mailed once).",
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    regular_pdf = fields.Binary(string="Bills to Mail", attachment=True, readonly=True)
    regular_pdf_name = fields.Char(readonly=True)
    special_pdf = fields.Binary(string="Special Handling Bills", attachment=True, readonly=True)
    special_pdf_name = fields.Char(readonly=True)
    vendor_csv = fields.Binary(string="Print Vendor File", attachment=True, readonly=True)
    vendor_csv_name = fields.Char(readonly=True)
    regular_count = fields.Integer(string="Mailed", readonly=True)
    special_count = fields.Integer(string="Special Handling", readonly=True)
    paperless_count = fields.Integer(string="Paperless", readonly=True)
    email_count = fields.Integer(string="E-mails Queued", readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "move_ids" in fields_list
            and context.get("active_model") == "account.move"
            and context.get("active_ids")
        ):
            values["move_ids"] = [fields.Command.set(context["active_ids"])]
            # The list sends its whole search too: the clerk who ticked a page
            # of 80 in a list of 89 is told, and may take the 89.
            domain = context.get("active_domain")
            if domain is not None and "list_count" in fields_list:
                values["list_count"] = self.env["account.move"].search_count(
                    [*domain, *self._get_printable_domain()]
                )
        if (
            "billing_run_id" in fields_list
            and context.get("active_model") == "utility.billing.run"
            and context.get("active_id")
        ):
            values["billing_run_id"] = context["active_id"]
        return values

    @api.model
    def _get_printable_domain(self):
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("utility_account_id", "!=", False),
        ]

    @api.depends("move_ids")
    def _compute_bill_count(self):
        for wizard in self:
            wizard.bill_count = len(wizard.move_ids)

    def action_select_list(self):
        """Take every printable bill of the list the wizard was opened from."""
        self.ensure_one()
        domain = self.env.context.get("active_domain") or []
        self.move_ids = self.env["account.move"].search([*domain, *self._get_printable_domain()])
        self.list_count = len(self.move_ids)
        return dict(self._action_reopen(), context=self.env.context)

    def _action_reopen(self):
        """The wizard again, in its dialog (after a step)."""
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Print Utility Bills"),
        }

    def _get_moves(self):
        """The bills to print, in account number order (how clerks find a stub)."""
        self.ensure_one()
        moves = self.move_ids
        if self.billing_run_id:
            moves |= self.env["account.move"].search(
                [
                    ("utility_billing_run_id", "=", self.billing_run_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                ]
            )
        if not moves:
            raise UserError(self.env._("Select the bills to print."))
        return moves.sorted(lambda m: (m.utility_account_id.name or "", m.id))

    def action_print(self):
        """Render the batch files as attachments of the wizard and queue e-mails."""
        self.ensure_one()
        moves = self._get_moves()
        messages = [self.message.strip()] if self.message and self.message.strip() else []
        bills = moves._prepare_bill_data(messages)
        split = split_batch(bills)
        stamp = fields.Date.context_today(self).isoformat()
        values = {
            "state": "done",
            "regular_count": len(split.regular),
            "special_count": len(split.special_handling),
            "paperless_count": len(split.paperless),
            "regular_pdf": False,
            "special_pdf": False,
            "vendor_csv": False,
        }
        if split.regular:
            values["regular_pdf"] = self._pdf(split.regular)
            values["regular_pdf_name"] = f"bills-{stamp}.pdf"
            text = io.StringIO(newline="")
            write_vendor_csv(split.regular, text)
            values["vendor_csv"] = base64.b64encode(text.getvalue().encode("utf-8"))
            values["vendor_csv_name"] = f"bills-{stamp}.csv"
        if split.special_handling:
            values["special_pdf"] = self._pdf(split.special_handling)
            values["special_pdf_name"] = f"bills-special-handling-{stamp}.pdf"
        if self.is_send_email and split.paperless:
            mails = moves._send_utility_bills_by_email(bills=bills)
            values["email_count"] = len(mails)
        self.write(values)
        return self._action_reopen()

    @staticmethod
    def _pdf(bills):
        buffer = io.BytesIO()
        render_batch(bills, buffer)
        return base64.b64encode(buffer.getvalue())
