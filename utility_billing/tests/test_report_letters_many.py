# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import date

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common_billing import CURRENT_READ, BillingCommon
from .common_bills import pdf_page_count, pdf_text

STATUS_LETTER = "utility_billing.action_report_utility_account_status_letter"
SUMMARIES = {
    # One document for all the records printed: one wkhtmltopdf call.
    "utility_billing.report_utility_route_sheet",
    "utility_billing.report_utility_daily_receipts",
}
# Drawn by reportlab (models/ir_actions_report.py): wkhtmltopdf never runs.
REPORTLAB = {
    "utility_billing.report_utility_bill",
    "utility_billing.report_utility_account_statement",
    "utility_billing.report_utility_collection_notice",
}


@tagged("post_install", "-at_install", "slow")
class TestReportLettersMany(BillingCommon):
    """The addon's QWeb letters print for several records at once on the
    wkhtmltopdf a city has (Debian's, built without Odoo's patched Qt: it takes
    one HTML document per call and writes no outlines to split the PDF by).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accounts = cls._make_accounts(3, prefix="ML")
        cls.cashier = new_test_user(
            cls.env,
            login="ub_ml_cashier",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )
        cls.cashier2 = new_test_user(
            cls.env,
            login="ub_ml_cashier2",
            groups="base.group_user,utility_billing.group_utility_cashier",
        )

    def _print(self, report, records, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report, records.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), "a PDF, not an empty file")
        return pdf

    def test_status_letter_three_accounts(self):
        """Three accounts ticked > Print > Account Status Letter: three letters,
        in the order ticked, each naming its own account."""
        accounts = self.accounts[2] | self.accounts[0] | self.accounts[1]
        pdf = self._print(STATUS_LETTER, accounts, user=self.cashier)
        self.assertEqual(pdf_page_count(pdf), 3)
        text = pdf_text(pdf)
        self.assertEqual(text.count("ACCOUNT STATUS"), 3)
        positions = [text.index(account.name) for account in accounts]
        self.assertEqual(positions, sorted(positions), "the letters in the order ticked")

    def _records(self):
        """Two or three records of every QWeb PDF report of the addon, and the
        words of each record that its document prints: {report_name: (records,
        [words of the 1st record, words of the 2nd...])}."""
        run = self._new_run()
        run.action_compute()
        run.action_post()
        bills = run.move_ids.sorted(
            lambda move: self.accounts.ids.index(move.utility_account_id.id)
        )
        accounts = self.accounts
        names = [[account.name] for account in accounts]
        env = self.env(su=True)
        Session = env["utility.cashier.session"]
        sessions = Session.create({"user_id": self.cashier.id}) | Session.create(
            {"user_id": self.cashier2.id}
        )
        payments = env["utility.payment"].create(
            [
                {
                    "date": CURRENT_READ,
                    "tender": "cash",
                    "session_id": session.id,
                    "line_ids": [Command.create({"account_id": account.id, "amount": amount})],
                }
                for account, amount, session in zip(
                    accounts,
                    (11.0, 12.0, 13.0),
                    (sessions[0], sessions[0], sessions[1]),
                    strict=True,
                )
            ]
        )
        payments.action_post()
        bank = self.company_data["default_journal_bank"]
        deposits = env["utility.deposit"].create(
            [{"journal_id": bank.id, "session_ids": [Command.set(s.ids)]} for s in sessions]
        )
        team = env["fsm.team"].create({"name": "North"})
        orders = env["utility.work.order"]._create_for(
            "leak", accounts, team_id=team.id, date_scheduled=fields.Date.today()
        )
        quotes = env["utility.account.payoff.quote"].create(
            [{"account_id": account.id, "date": date(2025, 2, 20)} for account in accounts]
        )
        customer_deposits = env["utility.customer.deposit"].create(
            [
                {"account_id": account.id, "date": date(2025, 1, 3), "amount": 40.0 + i}
                for i, account in enumerate(accounts)
            ]
        )
        whatifs = env["utility.rate.whatif"].create(
            [
                {
                    "name": name,
                    "date_from": date(2025, 1, 1),
                    "date_to": date(2025, 2, 28),
                    "usage_list": "0, 15",
                }
                for name in ("Proposal Alpha", "Proposal Beta")
            ]
        )
        arrangements = env["utility.payment.arrangement"].create(
            [
                {
                    "account_id": account.id,
                    "date_start": date(2025, 2, 20),
                    "installment_count": 3,
                    "frequency": "monthly",
                    "date_first": date(2025, 3, 20),
                }
                for account in accounts
            ]
        )
        kind = env.ref("utility_billing.adjustment_kind_billing_error")
        adjustments = env["utility.adjustment"].create(
            [
                {
                    "move_id": bill.id,
                    "kind_id": kind.id,
                    "reason": "Billed at the commercial rate",
                    "amount_requested": amount,
                }
                for bill, amount in zip(bills, (1.25, 2.5, 3.75), strict=True)
            ]
        )
        certificates = env["utility.medical.certificate"].create(
            [
                {
                    "account_id": account.id,
                    "resident_name": resident,
                    "certified_by": "Dr. Anita Okafor, Prairie City Clinic",
                    "date_start": date(2025, 1, 1),
                    "date_end": date(2025, 3, 31),
                }
                for account, resident in zip(
                    accounts, ("Ruth Alvarez", "Sam Brook", "Tia Chen"), strict=True
                )
            ]
        )
        liens = env["utility.lien"].create([{"account_id": account.id} for account in accounts])
        return {
            "utility_billing.report_utility_payment_receipt": (
                payments,
                [[payment.name] for payment in payments],
            ),
            "utility_billing.report_utility_cashier_session": (
                sessions,
                [[session.name] for session in sessions],
            ),
            "utility_billing.report_utility_daily_receipts": (
                sessions,
                [[session.name] for session in sessions],
            ),
            "utility_billing.report_utility_deposit_slip": (
                deposits,
                [[deposit.name] for deposit in deposits],
            ),
            "utility_billing.report_utility_route_sheet": (orders, names),
            "utility_billing.report_utility_account_payoff_quote": (quotes, names),
            "utility_billing.report_utility_account_status_letter": (accounts, names),
            "utility_billing.report_utility_deposit_receipt": (customer_deposits, names),
            "utility_billing.report_utility_deposit_refund": (customer_deposits, names),
            "utility_billing.report_utility_rate_whatif": (
                whatifs,
                [[whatif.name] for whatif in whatifs],
            ),
            "utility_billing.report_utility_arrangement_schedule": (arrangements, names),
            "utility_billing.report_utility_adjustment_approval": (adjustments, names),
            "utility_billing.report_utility_adjustment_denial": (adjustments, names),
            "utility_billing.report_utility_level_pay_enrollment": (accounts, names),
            "utility_billing.report_utility_level_pay_true_up": (accounts, names),
            "utility_billing.report_utility_final_bill_letter": (accounts, names),
            "utility_billing.report_utility_medical_acknowledgement": (
                certificates,
                [[c.account_id.name, c.resident_name] for c in certificates],
            ),
            "utility_billing.report_utility_medical_renewal": (
                certificates,
                [[c.account_id.name, c.resident_name] for c in certificates],
            ),
            "utility_billing.report_utility_lien_intent": (liens, names),
            "utility_billing.report_utility_lien_release": (liens, names),
        }

    def test_every_letter_prints_several_records(self):
        """Every QWeb PDF report of the addon, listed from the database, printed
        for two or three records at once: one valid PDF holding every record, in
        the order asked; a letter per record, one document for a summary."""
        reports = self.env["ir.actions.report"].search(
            [("report_name", "=like", "utility_billing.%"), ("report_type", "=", "qweb-pdf")]
        )
        table = self._records()
        self.assertEqual(
            set(reports.mapped("report_name")) - REPORTLAB,
            set(table),
            "a new QWeb report of the addon: print several of its records here",
        )
        for report in reports.filtered(lambda r: r.report_name in table):
            records, words = table[report.report_name]
            with self.subTest(report=report.report_name):
                pdf = self._print(report.report_name, records)
                # pdftotext ends every page with a form feed.
                pages = pdf_text(pdf).split("\f")[:-1]
                self.assertEqual(len(pages), pdf_page_count(pdf))
                firsts = []
                for record_words in words:
                    for word in record_words:
                        self.assertTrue(any(word in page for page in pages), word)
                    firsts.append(
                        next(i for i, page in enumerate(pages) if record_words[0] in page)
                    )
                if report.report_name in SUMMARIES:
                    self.assertEqual(
                        set(firsts), {0}, "one document: every record on its first page"
                    )
                else:
                    self.assertEqual(firsts[0], 0)
                    self.assertEqual(
                        firsts, sorted(set(firsts)), "a document per record, in the order asked"
                    )

    def test_letters_over_several_pages_kept_as_attachments(self):
        """Letters of several pages each, kept as attachments as Odoo keeps a
        report's PDFs: Odoo cuts the printed PDF into one PDF per record by its
        outlines, which Debian's wkhtmltopdf does not write and this addon
        writes. Margins of 150 mm on a US Letter page spread each status letter
        over several pages; each account's attachment holds its letter alone,
        and a second print reads the attachments back instead of printing."""
        report = self.env.ref(STATUS_LETTER)
        tall = report.paperformat_id.copy({"name": "Tall margins", "margin_top": 150})
        report.write(
            {
                "paperformat_id": tall.id,
                "attachment": "'Status ' + object.name",
                "attachment_use": True,
            }
        )
        accounts = self.accounts[1] | self.accounts[2] | self.accounts[0]
        pdf = self._print(STATUS_LETTER, accounts)
        pages = pdf_text(pdf).split("\f")[:-1]
        self.assertGreaterEqual(len(pages), 2 * len(accounts), "several pages per letter")
        firsts = [
            next(i for i, page in enumerate(pages) if account.name in page) for account in accounts
        ]
        self.assertEqual(firsts[0], 0)
        self.assertEqual(firsts, sorted(firsts), "the letters in the order asked")
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "utility.account"), ("res_id", "in", accounts.ids)]
        )
        self.assertEqual(
            sorted(attachments.mapped("name")), sorted(f"Status {a.name}" for a in accounts)
        )
        total = 0
        for attachment in attachments:
            account = self.env["utility.account"].browse(attachment.res_id)
            text = pdf_text(attachment.raw)
            self.assertIn(account.name, text)
            for other in accounts - account:
                self.assertNotIn(other.name, text, "each account's letter alone")
            self.assertGreater(pdf_page_count(attachment.raw), 1)
            total += pdf_page_count(attachment.raw)
        self.assertEqual(total, len(pages))
        # Printed again: the kept PDFs, not new ones.
        again = self._print(STATUS_LETTER, accounts)
        self.assertEqual(pdf_text(again), pdf_text(pdf))
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "utility.account"), ("res_id", "in", accounts.ids)]
            ),
            3,
        )

    def test_composer_mails_each_account_its_own_letter(self):
        """Three accounts e-mailed at once through the mail composer with a
        template that attaches the status letter: each e-mail carries its own
        account's letter as a PDF, and only that one."""
        accounts = self.accounts
        for account in accounts:
            account.partner_id.email = f"{account.name.lower()}@example.com"
        template = self.env["mail.template"].create(
            {
                "name": "Account status",
                "model_id": self.env["ir.model"]._get_id("utility.account"),
                "subject": "Your account {{ object.name }}",
                "partner_to": "{{ object.partner_id.id }}",
                "body_html": "<p>Your account's status is attached.</p>",
                "report_template_ids": [Command.link(self.env.ref(STATUS_LETTER).id)],
            }
        )
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.csr)
            .with_context(force_report_rendering=True)
            .create(
                {
                    "composition_mode": "mass_mail",
                    "model": "utility.account",
                    "res_ids": accounts.ids,
                    "template_id": template.id,
                }
            )
        )
        composer.action_send_mail()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "utility.account"), ("res_id", "in", accounts.ids)])
        )
        self.assertEqual(len(mails), 3)
        for account in accounts:
            mail = mails.filtered(lambda m, account=account: m.res_id == account.id)
            self.assertEqual(mail.recipient_ids, account.partner_id)
            self.assertEqual(
                mail.attachment_ids.mapped("name"), [f"Account Status {account.name}.pdf"]
            )
            text = pdf_text(mail.attachment_ids.raw)
            self.assertIn("ACCOUNT STATUS", text)
            self.assertIn(account.name, text)
            for other in accounts - account:
                self.assertNotIn(other.name, text)


@tagged("post_install", "-at_install", "slow")
class TestReportLettersHttp(BillingCommon, HttpCase):
    """The print of a clerk: three accounts ticked in the list, Print >
    Account Status Letter, through the web client's download route."""

    def test_csr_downloads_three_status_letters(self):
        accounts = self._make_accounts(3, prefix="MH")
        # wkhtmltopdf fetches the report's style sheets from Odoo; the test
        # server answers one request at a time (the one printing): point it at
        # a closed port so it prints unstyled at once instead of waiting.
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")
        self.authenticate(self.csr.login, self.csr.login)
        ids = ",".join(str(i) for i in accounts.ids)
        url = f"/report/pdf/utility_billing.report_utility_account_status_letter/{ids}"
        response = self.url_open(
            "/report/download?"
            + "&".join(
                [
                    "data=" + json.dumps([url, "qweb-pdf"]),
                    "context=" + json.dumps({"force_report_rendering": True}),
                ]
            ),
            timeout=120,
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("Account%20Status%20Letter.pdf", response.headers["Content-Disposition"])
        pages = pdf_text(response.content).split("\f")[:-1]
        self.assertEqual(len(pages), 3)
        for page, account in zip(pages, accounts, strict=True):
            self.assertIn("ACCOUNT STATUS", page)
            self.assertIn(account.name, page)
