# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..lib.scan_line import build_scan_line
from .common_bills import pdf_page_count, pdf_text

D = Decimal
READ_START = date(2025, 2, 5)


@tagged("post_install", "-at_install")
class TestBillPrint(AccountTestInvoicingCommon):
    """Posted utility invoices printed as bills: data from the ledger, reportlab PDF,
    the Print menu, the batch wizard, the vendor file and paperless e-mail."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("utility_billing.group_utility_supervisor")
        cls.company = cls.env.company
        cls.company.write(
            {
                "name": "City of Prairie City Utilities",
                "street": "100 Civic Plaza",
                "city": "Prairie City",
                "zip": "66000",
                "phone": "(620) 555-0142",
                "email": "utilities@prairiecity.example.com",
            }
        )
        cls.water = cls.env.ref("utility_billing.service_type_water")
        cls.sewer = cls.env.ref("utility_billing.service_type_sewer")
        cls.garbage = cls.env.ref("utility_billing.service_type_garbage")
        cls.schedules = {
            service_type: cls.env["utility.rate.schedule"].create(
                {
                    "name": f"{service_type.name} bill test rate",
                    "code": f"BP-{service_type.code}",
                    "service_type_id": service_type.id,
                }
            )
            for service_type in (cls.water, cls.sewer, cls.garbage)
        }
        cycle = cls.env["utility.billing.cycle"].create({"name": "Bill Cycle", "code": "BP"})
        cls.route = cls.env["utility.route"].create(
            {"name": "Bill Route", "code": "BP-1", "cycle_id": cycle.id}
        )
        cls.accounts = [cls._make_account(index) for index in range(3)]
        cls.account = cls.accounts[0]["account"]

    # ------------------------------------------------------------------
    # Fixtures
    # ------------------------------------------------------------------
    @classmethod
    def _make_account(cls, index, paperless=False):
        """An active account with water (metered), sewer and garbage, and 14 monthly reads."""
        env = cls.env
        partner = env["res.partner"].create(
            {
                "name": f"Customer {index:03d}",
                "street": f"{100 + index} Mailing Rd",
                "city": "Prairie City",
                "zip": "66002",
                "email": f"customer{index}@example.com",
            }
        )
        location = env["utility.service.location"].create(
            {"street": f"{12 + index} Test St", "city": "Prairie City", "route_id": cls.route.id}
        )
        account = env["utility.account"].create(
            {"partner_id": partner.id, "location_id": location.id, "is_paperless": paperless}
        )
        meter = env["utility.meter"].create(
            {"name": f"BPM-{index:04d}", "unit": "kgal", "dials": 6}
        )
        services = {
            service_type: env["utility.account.service"].create(
                {
                    "account_id": account.id,
                    "service_type_id": service_type.id,
                    "rate_schedule_id": cls.schedules[service_type].id,
                    "date_start": READ_START,
                }
            )
            for service_type in (cls.water, cls.sewer, cls.garbage)
        }
        meter._install_on_service(services[cls.water], READ_START, 0.0)
        services[cls.water].meter_id = meter
        account.action_activate()
        # 6, 7, 8 ... kgal a month: the chart has a different bar each month.
        values, total = [0.0], 0.0
        for month in range(13):
            total += 6 + month % 5
            values.append(total)
        readings = (
            env["utility.meter.reading"]
            .create(
                [
                    {
                        "meter_id": meter.id,
                        "date": READ_START + timedelta(days=30 * step),
                        "value": value,
                        "read_type": "initial" if step == 0 else "actual",
                    }
                    for step, value in enumerate(values)
                ]
            )
            .sorted("date")
        )
        return {
            "account": account,
            "partner": partner,
            "location": location,
            "services": services,
            "meter": meter,
            "readings": readings,
        }

    def _bill(self, info, reading_index=-1, invoice_date="2026-03-03", due="2026-03-24"):
        """A posted bill of the account: water base + usage, sewer, garbage."""
        reading = info["readings"][reading_index]
        services = info["services"]
        invoice_date = date.fromisoformat(invoice_date)

        def line(service_type, name, quantity, price, **vals):
            return Command.create(
                dict(
                    {
                        "name": name,
                        "quantity": quantity,
                        "price_unit": price,
                        "tax_ids": False,
                        "utility_service_id": services[service_type].id,
                        "utility_service_type_id": service_type.id,
                    },
                    **vals,
                )
            )

        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": info["partner"].id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "utility_account_id": info["account"].id,
                "utility_location_id": info["location"].id,
                "utility_period_start": reading.previous_reading_id.date + timedelta(days=1),
                "utility_period_end": reading.date,
                "utility_date_penalty": date.fromisoformat(due) + timedelta(days=5),
                "utility_bill_kind": "cycle",
                "invoice_line_ids": [
                    line(self.water, "Base charge 5/8 in meter", 1, 18.50),
                    line(
                        self.water,
                        "Usage 0-5 kgal",
                        5,
                        3.25,
                        utility_reading_id=reading.id,
                        utility_consumption=reading.consumption,
                        utility_date_from=reading.previous_reading_id.date,
                        utility_date_to=reading.date,
                    ),
                    line(self.sewer, "Sewer base charge", 1, 22.00),
                    line(self.garbage, "Refuse cart 96 gal", 1, 16.75),
                ],
            }
        )
        move.action_post()
        return move

    def _pay(self, move, amount, day):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    # ------------------------------------------------------------------
    # Bill data from the ledger
    # ------------------------------------------------------------------
    def test_bill_data_from_the_ledger(self):
        info = self.accounts[0]
        first = self._bill(info, -2, "2026-02-03", "2026-02-24")
        self._pay(first, 20.00, "2026-02-10")
        # A courtesy credit note since the last bill is an adjustment.
        credit = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": info["partner"].id,
                "invoice_date": "2026-02-15",
                "utility_account_id": info["account"].id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Courtesy", "quantity": 1, "price_unit": 5.00, "tax_ids": False}
                    )
                ],
            }
        )
        credit.action_post()
        second = self._bill(info)
        bill = second._prepare_bill_data()[0]
        # 18.50 + 5 x 3.25 + 22.00 + 16.75
        self.assertEqual(bill.amount_current, D("73.50"))
        self.assertEqual(bill.amount_previous_balance, D("73.50"))
        self.assertEqual(bill.amount_payments, D("20.00"))
        self.assertEqual(bill.amount_adjustments, D("-5.00"))
        self.assertEqual(bill.amount_due, D("122.00"))
        self.assertEqual(bill.amount_due, D(str(info["account"].amount_balance)))
        # The first bill was due on 02/24: what is left of it is past due.
        self.assertEqual(bill.amount_past_due, D("53.50"))
        self.assertEqual(bill.account_number, info["account"].name)
        self.assertEqual(bill.service_address, "12 Test St, Prairie City")
        self.assertEqual(bill.mailing_address, ("100 Mailing Rd", "Prairie City, 66002"))
        self.assertEqual([s.name for s in bill.services], ["Water", "Sewer", "Garbage"])
        water = bill.services[0]
        reading = info["readings"][-1]
        self.assertEqual(water.meter_number, "BPM-0000")
        self.assertEqual(water.date_current_read, reading.date)
        self.assertEqual(water.date_previous_read, reading.previous_reading_id.date)
        self.assertEqual(water.consumption, D(str(reading.consumption)))
        self.assertEqual(water.lines[1].quantity, D(5))
        self.assertIsNone(water.lines[0].quantity, "a flat charge prints no quantity")
        self.assertEqual(len(bill.usage_history), 13)
        # Reads every 30 days: each month of the chart has one, the current one last.
        middle = reading.date - timedelta(days=reading.days // 2)
        self.assertEqual(bill.usage_history[-1].label, middle.strftime("%b %y"))
        self.assertEqual(bill.usage_history[-1].consumption, D(str(reading.consumption)))
        expected = [D(str(r.consumption)) for r in info["readings"][1:]]
        self.assertEqual([point.consumption for point in bill.usage_history], expected)
        self.assertEqual(bill.usage_unit, "kgal")
        # The first bill of the account, reprinted now: nothing before it, and the
        # payment received since shows, so the amount due is what is still open.
        first_bill = first._prepare_bill_data()[0]
        self.assertEqual(first_bill.amount_previous_balance, D(0))
        self.assertEqual(first_bill.amount_payments, D("20.00"))
        self.assertEqual(first_bill.amount_adjustments, D(0))
        self.assertEqual(first_bill.amount_due, D("53.50"))

    def test_counter_payments_print_as_payments(self):
        """A reprinted bill showed the counter's payments as "Adjustments -$20.00"
        beside "Payments Received $0.00": utility payments (counter, lockbox,
        autopay) carry utility_payment_id, not Odoo's origin_payment_id."""
        info = self.accounts[0]
        first = self._bill(info, -2, "2026-02-03", "2026-02-24")
        account = info["account"]

        def pay(amount, day):
            payment = self.env["utility.payment"].create(
                {
                    "date": day,
                    "tender": "cash",
                    "line_ids": [Command.create({"account_id": account.id, "amount": amount})],
                }
            )
            payment.action_post()
            return payment

        pay(20.00, "2026-02-10")
        second = self._bill(info)
        bill = second._prepare_bill_data()[0]
        self.assertEqual(bill.amount_previous_balance, D("73.50"))
        self.assertEqual(bill.amount_payments, D("20.00"))
        self.assertEqual(bill.amount_adjustments, D(0))
        self.assertEqual(bill.amount_due, D("127.00"))
        # Paid at the counter on the bill's own date, then reprinted: a payment.
        pay(50.00, "2026-03-03")
        bill = second._prepare_bill_data()[0]
        self.assertEqual(bill.amount_payments, D("70.00"))
        self.assertEqual(bill.amount_adjustments, D(0))
        self.assertEqual(bill.amount_due, D("77.00"))
        self.assertEqual(bill.amount_due, D(str(first.amount_residual + second.amount_residual)))

    def test_only_posted_utility_invoices(self):
        info = self.accounts[1]
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": info["partner"].id,
                "utility_account_id": info["account"].id,
            }
        )
        plain = self.init_invoice("out_invoice", amounts=[10.0], post=True)
        with self.assertRaisesRegex(UserError, "Only posted customer invoices") as caught:
            (draft | plain)._prepare_bill_data()
        self.assertIn(plain.display_name, str(caught.exception))
        self.assertIn(draft.display_name, str(caught.exception))

    # ------------------------------------------------------------------
    # PDF
    # ------------------------------------------------------------------
    def test_bill_pdf_reads_right(self):
        info = self.accounts[0]
        move = self._bill(info)
        text = pdf_text(move._render_utility_bills_pdf())
        account = info["account"]
        self.assertIn(account.name, text)
        self.assertIn("12 Test St, Prairie City", text)
        self.assertIn("100 Mailing Rd", text)
        for amount in ("18.50", "16.25", "22.00", "16.75", "$73.50"):
            self.assertIn(amount, text)
        self.assertIn("03/24/2026", text)
        self.assertIn(build_scan_line(account.name, D("73.50"), date(2026, 3, 24)), text)
        # The chart's month labels: 13 months ending with the current read.
        for month in ("Mar", "Jun", "Sep", "Dec", "Feb"):
            self.assertIn(month, text)
        self.assertIn("BPM-0000", text)
        self.assertIn("City of Prairie City Utilities", text)

    def test_bill_prints_the_remit_to_address(self):
        """Payments by mail go to the remit-to address of the settings (a P.O.
        Box), printed on the stub; left empty, the company's name and address."""
        info = self.accounts[0]
        move = self._bill(info)
        self.assertEqual(
            move._prepare_bill_data()[0].remit_to,
            ("City of Prairie City Utilities", "100 Civic Plaza", "Prairie City, 66000"),
        )
        self.company.write(
            {
                "utility_remit_to_name": "Prairie City Utility Billing",
                "utility_remit_to_address": "P.O. Box 310\n\nPrairie City, IA 50228-0310\n",
            }
        )
        self.assertEqual(
            move._prepare_bill_data()[0].remit_to,
            ("Prairie City Utility Billing", "P.O. Box 310", "Prairie City, IA 50228-0310"),
        )
        text = pdf_text(move._render_utility_bills_pdf())
        for line in ("Prairie City Utility Billing", "P.O. Box 310", "Prairie City, IA 50228-0310"):
            self.assertIn(line, text)
        # The letterhead stays the office's address.
        self.assertIn("100 Civic Plaza", text)

    def test_print_button_prints_the_utility_bill(self):
        """The invoice form's Print button prints the utility bill of a utility
        invoice; Odoo's invoice stays in the Print menu and for other invoices."""
        move = self._bill(self.accounts[0])
        # No document layout chosen yet: the utility bill (reportlab) needs none.
        self.env.company.external_report_layout_id = False
        action = move.action_print_pdf()
        self.assertEqual(action["report_name"], "utility_billing.report_utility_bill")
        self.env.company.external_report_layout_id = self.env.ref("web.external_layout_standard")
        self.assertEqual(
            move.action_print_odoo_invoice()["report_name"], "account.report_invoice_with_payments"
        )
        other = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.accounts[0]["partner"].id,
                "invoice_line_ids": [
                    Command.create({"name": "Consulting", "quantity": 1, "price_unit": 10.0})
                ],
            }
        )
        other.action_post()
        self.assertEqual(
            other.action_print_pdf()["report_name"], "account.report_invoice_with_payments"
        )

    def test_print_wizard_tells_ticked_from_listed(self):
        """The clerk ticked a page of a longer list: the wizard says so, shows a
        count instead of a wall of invoice numbers, and can take the whole list."""
        moves = self.env["account.move"].concat(*(self._bill(info) for info in self.accounts))
        domain = [("id", "in", moves.ids)]
        Wizard = self.env["utility.bill.print"].with_context(
            active_model="account.move", active_ids=moves[:2].ids, active_domain=domain
        )
        wizard = Wizard.create({})
        self.assertEqual((wizard.bill_count, wizard.list_count), (2, 3))
        wizard.action_select_list()
        self.assertEqual(wizard.move_ids, moves)
        self.assertEqual((wizard.bill_count, wizard.list_count), (3, 3))

    def test_print_menu_gives_the_reportlab_bill(self):
        move = self._bill(self.accounts[0])
        report = self.env.ref("utility_billing.action_report_utility_bill")
        self.assertEqual(report.binding_model_id.model, "account.move")
        action = report.report_action(move, config=False)
        self.assertEqual(action["report_name"], "utility_billing.report_utility_bill")
        pdf, kind = self.env["ir.actions.report"]._render_qweb_pdf(report.report_name, move.ids)
        self.assertEqual(kind, "pdf")
        self.assertIn(b"ReportLab", pdf[:200], "drawn by reportlab, not wkhtmltopdf")
        self.assertEqual(pdf_text(pdf), pdf_text(move._render_utility_bills_pdf()))
        # The QWeb version (HTML preview) shows the same bill.
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(report.report_name, move.ids)
        html = html.decode()
        for expected in (move.utility_account_id.name, "12 Test St, Prairie City", "73.50"):
            self.assertIn(expected, html)

    def test_batch_of_three_bills_is_one_pdf(self):
        moves = self.env["account.move"].concat(*(self._bill(info) for info in self.accounts))
        pdf = moves._render_utility_bills_pdf()
        self.assertEqual(pdf_page_count(pdf), 3)
        text = pdf_text(pdf)
        for info in self.accounts:
            self.assertIn(
                build_scan_line(info["account"].name, D("73.50"), date(2026, 3, 24)), text
            )
        self.assertEqual(text.count("Please return this portion with your payment"), 3)

    # ------------------------------------------------------------------
    # Batch wizard: special handling, vendor file, paperless e-mail
    # ------------------------------------------------------------------
    def test_print_wizard_splits_the_batch(self):
        regular, special, paperless = self.accounts
        special["account"].is_bankruptcy = True
        self.assertEqual(special["account"].special_handling_reason, "Bankruptcy")
        paperless["account"].is_paperless = True
        moves = self.env["account.move"].concat(*(self._bill(info) for info in self.accounts))
        wizard = (
            self.env["utility.bill.print"]
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create({"message": "Water rates change on July 1st."})
        )
        self.assertEqual(wizard.move_ids, moves)
        wizard.action_print()
        self.assertEqual(
            (wizard.regular_count, wizard.special_count, wizard.paperless_count), (1, 1, 1)
        )
        self.assertEqual(wizard.email_count, 1)
        regular_text = pdf_text(base64.b64decode(wizard.regular_pdf))
        self.assertIn(regular["account"].name, regular_text)
        self.assertNotIn(special["account"].name, regular_text)
        self.assertIn("Water rates change on July 1st.", regular_text)
        special_text = pdf_text(base64.b64decode(wizard.special_pdf))
        self.assertIn(special["account"].name, special_text)
        self.assertNotIn(regular["account"].name, special_text)
        rows = list(csv.DictReader(io.StringIO(base64.b64decode(wizard.vendor_csv).decode())))
        self.assertEqual([row["ACCOUNT_NUMBER"] for row in rows], [regular["account"].name])
        self.assertEqual(rows[0]["AMOUNT_DUE"], "73.50")
        self.assertEqual(rows[0]["MESSAGE_1"], "Water rates change on July 1st.")
        self.assertTrue(wizard.regular_pdf_name.endswith(".pdf"))
        # Printing the batch again queues no second e-mail.
        again = self.env["utility.bill.print"].create({"move_ids": [Command.set(moves.ids)]})
        again.action_print()
        self.assertEqual(again.email_count, 0)

    def test_paperless_bill_emailed_once(self):
        info = self.accounts[2]
        info["account"].is_paperless = True
        move = self._bill(info)
        other = self._bill(self.accounts[0])  # not paperless: printed, not e-mailed
        mails = (move | other)._send_utility_bills_by_email()
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "outgoing", "queued, not sent")
        self.assertEqual(mails.model, "account.move")
        self.assertEqual(mails.res_id, move.id)
        self.assertEqual(mails.recipient_ids, info["partner"])
        self.assertEqual(mails.attachment_ids.mimetype, "application/pdf")
        attached = pdf_text(base64.b64decode(mails.attachment_ids.datas))
        self.assertIn(info["account"].name, attached)
        self.assertTrue(move.utility_date_bill_sent)
        self.assertFalse(other.utility_date_bill_sent)
        self.assertFalse((move | other)._send_utility_bills_by_email())
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "account.move"), ("res_id", "=", move.id)]
            ),
            1,
        )

    def test_paperless_without_email_is_printed(self):
        info = self.accounts[1]
        info["account"].is_paperless = True
        info["partner"].email = False
        move = self._bill(info)
        bill = move._prepare_bill_data()[0]
        self.assertFalse(bill.is_paperless)
        self.assertFalse(move._send_utility_bills_by_email())

    def test_no_mailing_address_is_special_handling(self):
        info = self.accounts[1]
        info["partner"].street = False
        bill = self._bill(info)._prepare_bill_data()[0]
        self.assertEqual(bill.special_handling, "No mailing address")

    # ------------------------------------------------------------------
    # Estates: the bill goes to the executor, as the letters do
    # ------------------------------------------------------------------
    def _make_estate(self, info):
        """Customer 001 died; Dana Whitfield, at her own address, is the executor."""
        executor = self.env["res.partner"].create(
            {
                "name": "Dana Whitfield",
                "street": "9 Probate Ln",
                "city": "Prairie City",
                "zip": "66003",
                "email": "dana.whitfield@example.com",
            }
        )
        info["account"].write(
            {
                "is_estate": True,
                "date_of_death": date(2026, 2, 14),
                "executor_partner_id": executor.id,
            }
        )
        return executor

    def test_estate_bill_goes_to_the_executor(self):
        """The bill PDF (pdftotext) and the print vendor's file name "Estate of
        Customer 001, c/o Dana Whitfield" at 9 Probate Ln, never the deceased's
        101 Mailing Rd; with no executor yet the bill is pulled for special
        handling."""
        info = self.accounts[1]
        info["account"].is_estate = True
        self.assertEqual(info["account"].special_handling_reason, "Estate without an executor")
        self._make_estate(info)
        self.assertFalse(info["account"].is_special_handling)
        move = self._bill(info)
        bill = move._prepare_bill_data()[0]
        self.assertEqual(bill.customer_name, "Estate of Customer 001, c/o Dana Whitfield")
        self.assertEqual(bill.mailing_address, ("9 Probate Ln", "Prairie City, 66003"))
        text = pdf_text(move._render_utility_bills_pdf())
        self.assertIn("Estate of Customer 001, c/o Dana Whitfield", text)
        self.assertIn("9 Probate Ln", text)
        self.assertNotIn("101 Mailing Rd", text)
        wizard = self.env["utility.bill.print"].create({"move_ids": [Command.set(move.ids)]})
        wizard.action_print()
        self.assertEqual((wizard.regular_count, wizard.special_count), (1, 0))
        rows = list(csv.DictReader(io.StringIO(base64.b64decode(wizard.vendor_csv).decode())))
        self.assertEqual(
            (rows[0]["ACCOUNT_NUMBER"], rows[0]["CUSTOMER_NAME"], rows[0]["MAIL_LINE_1"]),
            (
                info["account"].name,
                "Estate of Customer 001, c/o Dana Whitfield",
                "9 Probate Ln",
            ),
        )
        self.assertNotIn("101 Mailing Rd", base64.b64decode(wizard.vendor_csv).decode())

    def test_estate_paperless_bill_emailed_to_the_executor(self):
        info = self.accounts[2]
        info["account"].is_paperless = True
        info["partner"].email = False
        executor = self._make_estate(info)
        move = self._bill(info)
        mails = move._send_utility_bills_by_email()
        self.assertEqual(mails.recipient_ids, executor)
        self.assertIn("Dear Dana Whitfield", mails.body_html)
        attached = pdf_text(base64.b64decode(mails.attachment_ids.datas))
        self.assertIn("Estate of Customer 002, c/o Dana Whitfield", attached)
        self.assertIn("dana.whitfield@example.com", move.message_ids[:1].body)

    # ------------------------------------------------------------------
    # Constant number of queries
    # ------------------------------------------------------------------
    def test_prepare_bill_data_query_count_is_constant(self):
        infos = self.accounts + [self._make_account(index) for index in range(3, 15)]
        moves = self.env["account.move"].concat(*(self._bill(info) for info in infos))

        def count(records):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            bills = records._prepare_bill_data()
            self.assertEqual(len(bills), len(records))
            return self.cr.sql_log_count - before

        count(moves)  # warm the registry caches (selection labels, report lookups)
        few, many = count(moves[:3]), count(moves)
        self.assertEqual(few, many)
        self.assertLess(many, 40)
