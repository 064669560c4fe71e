# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ReportUtilityLienIntent(models.AbstractModel):
    """The Notice of Intent to Lien: printing it (Print menu, the e-mail's PDF)
    is what tells the owner, so its first print dates the notice on the lien
    (Lockland, OH, § 1040.05 (d): written notice before certification). The
    HTML preview tells nobody: it dates nothing."""

    _name = "report.utility_billing.report_utility_lien_intent"
    _description = "Notice of Intent to Lien"

    @api.model
    def _get_report_values(self, docids, data=None):
        liens = self.env["utility.lien"].browse(docids)
        liens.check_access("read")
        # Only a PDF (printed, or attached to the e-mail) reaches the owner;
        # Odoo renders a PDF with report_type "pdf", the preview with "html".
        if (data or {}).get("report_type") == "pdf":
            liens._record_notice()
        today = fields.Date.context_today(self)
        return {
            "doc_ids": docids,
            "doc_model": "utility.lien",
            "docs": liens,
            # What the lien would certify today: the charges old enough.
            "amounts": liens.sudo()._get_certifiable_amounts(today),
        }
