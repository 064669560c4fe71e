# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools.pdf import merge_pdf

from ..lib.notice_pdf import NoticeData, render_notice
from ..wizard.utility_account_statement import _address_lines

NOTICE_REPORT = "utility_billing.report_utility_collection_notice"
TITLES = {"past_due": "PAST-DUE NOTICE", "final": "FINAL NOTICE", "door_hanger": "SHUT-OFF NOTICE"}


class UtilityCollectionNotice(models.Model):
    """The PDF of each notice as it was mailed, stored on the notice.

    When *Send Notices* sends a notice by mail, its PDF is drawn (reportlab,
    ``lib/notice_pdf.py``) and kept as an attachment of the notice. Printing a
    notice again, alone, from the run (*Print Notices*) or from the Print
    menu, gives those very bytes, even after the customer's name, address or
    the city's phone changed: the clerk reprints what the customer got. One
    PDF per notice rather than one batch per print job: the clerk finds it on
    the notice the customer calls about (and in its chatter), and a batch is
    those PDFs put together in the order asked.
    """

    _inherit = "utility.collection.notice"  # pylint: disable=consider-merging-classes-inherited

    def _get_mailed_pdf(self):
        """The stored PDFs of ``self``: {notice id: attachment}, one query."""
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("res_field", "=", False),
                    ("description", "=", NOTICE_REPORT),
                ],
                order="id",
            )
        )
        return {attachment.res_id: attachment for attachment in attachments}

    def _render_notice_pdfs(self):
        """Draw the PDF of each notice of ``self`` as it reads now.

        :return: {notice id: PDF bytes}
        """
        letters = self._get_letter_values()
        result = {}
        for notice in self.sudo():
            values = letters[notice.id]
            company, account = values["company"], values["account"]
            addressee = account._get_letter_addressee()
            landlord = ()
            if notice.addressee == "landlord":
                landlord = (notice.partner_id.name or "", *_address_lines(notice.partner_id))
            result[notice.id] = render_notice(
                NoticeData(
                    company_name=company.name or "",
                    company_address=_address_lines(company.partner_id),
                    company_phone=company.phone or "",
                    title=TITLES[notice.kind],
                    account_number=account.name or "",
                    date=values["date"],
                    customer_name=addressee["name"] or "",
                    customer_address=tuple(
                        line for line in (addressee["address"] or "").splitlines() if line.strip()
                    ),
                    service_address=account.location_id.display_name or "",
                    paragraphs=notice._get_letter_paragraphs(values),
                    landlord=landlord,
                    remit_to=company._get_utility_remit_to(),
                )
            )
        return result

    def _get_letter_paragraphs(self, values):
        """The letter's paragraphs, as the QWeb template words them."""
        self.ensure_one()
        paragraphs = [
            self.env._(
                "Our records show %(amount)s past due on account %(account)s on %(date)s.",
                amount=values["past_due"],
                account=values["account"].name,
                date=values["date"],
            )
        ]
        if self.kind == "past_due":
            paragraphs.append(
                self.env._(
                    "Please pay the past-due amount now. If it remains unpaid, a final "
                    "notice with the date of the shut-off of service will follow."
                )
            )
        elif values["date_shutoff"]:
            paragraphs.append(
                self.env._(
                    "Unless the past-due amount is paid or a payment arrangement is made, "
                    "service may be shut off on or after %(date)s.",
                    date=values["date_shutoff"],
                )
            )
        if values["fee"]:
            paragraphs.append(
                self.env._(
                    "A door-hanger fee of %(fee)s was charged to the account.", fee=values["fee"]
                )
            )
        company = values["company"]
        paragraphs.append(
            self.env._(
                "If you have paid in the last few days, thank you: please disregard this "
                "notice. To arrange payment or ask for a hearing, call %(phone)s.",
                phone=company.phone or company.name,
            )
        )
        return tuple(paragraphs)

    def _store_mailed_pdf(self):
        """Keep the PDF of each notice of ``self`` sent by mail on it, once."""
        notices = self.filtered(lambda n: n.date_sent and not n.is_email)
        notices -= notices.browse(notices._get_mailed_pdf())
        if not notices:
            return self.env["ir.attachment"]
        pdfs = notices._render_notice_pdfs()
        # The clerk who sends may not add attachments to notices: the PDF is
        # the run's record, stored as superuser.
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": f"{notice.name.replace('/', '-')}.pdf",
                        "raw": pdfs[notice.id],
                        "mimetype": "application/pdf",
                        "res_model": notice._name,
                        "res_id": notice.id,
                        "description": NOTICE_REPORT,
                    }
                    for notice in notices
                ]
            )
        )

    def _get_notices_pdf(self):
        """One PDF of ``self`` in order: each mailed notice's stored PDF, the
        others drawn now."""
        self.check_access("read")
        stored = self._get_mailed_pdf()
        drawn = self.filtered(lambda n: n.id not in stored)._render_notice_pdfs()
        pdfs = [stored[n.id].raw if n.id in stored else drawn[n.id] for n in self]
        return pdfs[0] if len(pdfs) == 1 else merge_pdf(pdfs)

    def action_print_as_mailed(self):
        """Print the notices again: the stored PDF of a mailed notice."""
        return self._get_print_action()
