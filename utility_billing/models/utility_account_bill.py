# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityAccount(models.Model):
    _inherit = "utility.account"

    # ------------------------------------------------------------------
    # Bill printing: bills a person must look at before they are mailed
    # ------------------------------------------------------------------
    is_returned_mail = fields.Boolean(
        string="Returned Mail",
        tracking=True,
        help="The post office returned the last mail: bills are held until the address "
        "is corrected.",
    )
    is_manual_review = fields.Boolean(
        string="Hold Bills for Review",
        tracking=True,
        help="Pull this account's bills from the print batch so a clerk checks them.",
    )
    manual_review_note = fields.Char(string="Review Reason", tracking=True)
    is_special_handling = fields.Boolean(
        string="Special Handling",
        compute="_compute_special_handling",
        store=True,
        help="Bills of this account are pulled from the print batch and printed apart.",
    )
    special_handling_reason = fields.Char(compute="_compute_special_handling", store=True)

    @api.depends(
        "is_bankruptcy",
        "is_estate",
        "executor_partner_id",
        "is_returned_mail",
        "is_manual_review",
        "manual_review_note",
    )
    def _compute_special_handling(self):
        """A bill is pulled from the print batch when mailing it as usual could do harm.

        Bankruptcy (the court's rules on contacting the debtor apply), an estate
        with no executor yet (the executor, not the deceased, must get it; once
        entered, the bill is addressed to the executor and mailed as usual),
        returned mail (the address is wrong) or a clerk's hold for review.
        """
        for account in self:
            reasons = []
            if account.is_bankruptcy:
                reasons.append(self.env._("Bankruptcy"))
            if account.is_estate and not account.executor_partner_id:
                reasons.append(self.env._("Estate without an executor"))
            if account.is_returned_mail:
                reasons.append(self.env._("Returned mail"))
            if account.is_manual_review:
                reasons.append(
                    self.env._("Review: %(note)s", note=account.manual_review_note)
                    if account.manual_review_note
                    else self.env._("Manual review")
                )
            account.is_special_handling = bool(reasons)
            account.special_handling_reason = ", ".join(reasons)
