# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal (SPEC 2.9), through HTTP as a browser calls it.

Terry's account (amounts by hand, dollars and cents):

====== ================================== ======== =========
date   movement                            amount   balance
====== ================================== ======== =========
01/15  bill: water 40.00 + sewer 20.00     +60.00    60.00
01/25  cash payment                        -50.00    10.00
02/15  bill: water 33.33 + garbage 15.00   +48.33    58.33
====== ================================== ======== =========

The January bill has 10.00 still due (due 02/04), the February bill 48.33 (due
03/07): the balance is 58.33, due first on 02/04. Another customer (Casey) has
an account with a 75.00 bill that Terry must never reach.
"""

import json
import re
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_bills import pdf_text
from .common_payment import PaymentCommon

# A valid ABA routing number (JPMorgan Chase, Columbus OH) and the same with a wrong
# check digit.
GOOD_ROUTING = "071000013"
BAD_ROUTING = "071000014"


@tagged("post_install", "-at_install")
class TestUtilityPortal(PaymentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.terry = cls.account.partner_id
        cls.terry.write({"name": "Terry Tester", "email": "terry@example.com"})
        cls.casey = cls.account2.partner_id
        cls.casey.write({"name": "Casey Other", "email": "casey@example.com"})
        cls.bill_jan = cls._post_bill(
            cls.account, date(2025, 1, 15), {cls.water: 40.0, cls.sewer: 20.0}
        )
        cls.bill_feb = cls._post_bill(
            cls.account, date(2025, 2, 15), {cls.water: 33.33, cls.garbage: 15.0}
        )
        cls.other_bill = cls._post_bill(cls.account2, date(2025, 2, 15), {cls.water: 75.0})
        cls.portal_user = new_test_user(
            cls.env,
            login="ub_portal_terry",
            groups="base.group_portal",
            name="Terry Tester",
            partner_id=cls.terry.id,
        )
        cls.casey_user = new_test_user(
            cls.env,
            login="ub_portal_casey",
            groups="base.group_portal",
            name="Casey Other",
            partner_id=cls.casey.id,
        )

    def setUp(self):
        super().setUp()
        self.payment = self._payment([(self.account, 50.0)], date=date(2025, 1, 25), tender="cash")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _login(self, user=None):
        user = user or self.portal_user
        self.authenticate(user.login, user.login)

    def _get(self, url, **kw):
        return self.url_open(url, **kw)

    def _page(self, account=None):
        response = self._get(f"/my/utility/accounts/{(account or self.account).id}")
        self.assertEqual(response.status_code, 200)
        return response.text

    def _post(self, url, data):
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', self._page()).group(1)
        return self.url_open(url, data=dict(data, csrf_token=csrf))

    def _autopay(self, **values):
        data = {
            "routing": GOOD_ROUTING,
            "acc_number": "123456789",
            "acc_number_confirm": "123456789",
            "account_type": "checking",
            "authorize": "1",
        }
        data.update(values)
        return self._post(f"/my/utility/accounts/{self.account.id}/autopay", data)

    def _chatter(self, account):
        return account.message_ids.mapped("body")

    # ------------------------------------------------------------------
    # What the customer sees
    # ------------------------------------------------------------------
    def test_home_entry_and_count(self):
        """/my has the Utility Accounts entry; its counter counts the customer's
        own accounts only (one, not Casey's)."""
        self._login()
        home = self._get("/my").text
        self.assertIn("Utility Accounts", home)
        self.assertIn("/my/utility/accounts", home)
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": ["utility_account_count"]}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["result"]["utility_account_count"], 1)

    def test_account_list(self):
        """The list: account number, service address, balance 58.33, first due date
        (02/04/2025, past due), paperless and autopay; never another's account."""
        self._login()
        page = self._get("/my/utility/accounts").text
        self.assertIn(self.account.name, page)
        self.assertIn(self.account.location_id.display_name, page)
        self.assertIn("58.33", page)
        self.assertIn("02/04/2025", page)
        self.assertIn("Past due", page)
        self.assertNotIn(self.account2.name, page)
        self.assertNotIn(self.account3.name, page)

    def test_account_page(self):
        """The account's page: balance, due date, past-due amount (10.00 of January
        and 48.33 of February, both due before today), open and recent bills with
        their PDF links, the payment received (01/25/2025, 50.00, Cash)."""
        self._login()
        page = self._page()
        self.assertIn("58.33", page)
        self.assertIn("02/04/2025", page)
        self.assertIn(f"/my/utility/bills/{self.bill_jan.id}/pdf", page)
        self.assertIn(f"/my/utility/bills/{self.bill_feb.id}/pdf", page)
        self.assertEqual(page.count('class="o_utility_open_bill"'), 2)
        self.assertEqual(page.count('class="o_utility_recent_bill"'), 2)
        self.assertIn("10.00", page)  # January's amount still due
        self.assertEqual(page.count('class="o_utility_payment"'), 1)
        self.assertIn("01/25/2025", page)
        self.assertIn("50.00", page)
        self.assertIn("Cash", page)
        self.assertIn(self.payment.name, page)
        self.assertNotIn(self.other_bill.name, page)

    def test_bill_pdf(self):
        """The bill's PDF is the utility bill the city mails (reportlab): account
        number, bill number and amount due on it."""
        self._login()
        response = self._get(f"/my/utility/bills/{self.bill_feb.id}/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertTrue(response.content.startswith(b"%PDF"))
        text = pdf_text(response.content)
        self.assertIn("UTILITY BILL", text)
        self.assertIn(self.account.name, text)
        self.assertIn(self.bill_feb.name, text)
        self.assertIn("58.33", text)

    def test_my_invoices_utility_bill_is_the_mailed_bill(self):
        """Odoo's "Your Invoices" (/my/invoices) lists the utility bills; their
        Download and their preview are the utility bill the city mails (reportlab:
        UTILITY BILL, account, bill number, 58.33 due), not Odoo's invoice. An
        invoice of the company that is not a utility bill stays Odoo's invoice;
        Casey's bill is not reachable."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.terry.id,
                "invoice_date": date(2025, 2, 20),
                "invoice_line_ids": [
                    Command.create({"name": "Hydrant meter rental", "price_unit": 25.0})
                ],
            }
        )
        invoice.action_post()
        self._login()
        listing = self._get("/my/invoices").text
        self.assertIn(self.bill_feb.name, listing)
        self.assertIn(f"/my/invoices/{self.bill_feb.id}", listing)
        response = self._get(f"/my/invoices/{self.bill_feb.id}?report_type=pdf&download=true")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        text = pdf_text(response.content)
        self.assertIn("UTILITY BILL", text)
        self.assertIn(self.account.name, text)
        self.assertIn(self.bill_feb.name, text)
        self.assertIn("58.33", text)
        inline = self._get(f"/my/invoices/{self.bill_feb.id}?report_type=pdf")
        self.assertIn("UTILITY BILL", pdf_text(inline.content))
        preview = self._get(f"/my/invoices/{self.bill_feb.id}?report_type=html").text
        self.assertIn(self.account.name, preview)
        self.assertIn("58.33", preview)
        # Odoo's invoice for the other one (HTML in tests: Odoo renders reports
        # without wkhtmltopdf there), never the utility bill.
        other = self._get(f"/my/invoices/{invoice.id}?report_type=pdf&download=true")
        self.assertEqual(other.status_code, 200)
        self.assertNotIn(b"UTILITY BILL", other.content)
        self.assertIn(b"Hydrant meter rental", other.content)
        other_preview = self._get(f"/my/invoices/{invoice.id}?report_type=html").text
        self.assertIn("Hydrant meter rental", other_preview)
        self.assertNotIn("UTILITY BILL", other_preview)
        # Another customer's bill: back to /my, nothing printed.
        foreign = self._get(f"/my/invoices/{self.other_bill.id}?report_type=pdf&download=true")
        self.assertNotEqual(foreign.headers["Content-Type"], "application/pdf")
        self.assertNotIn(self.other_bill.name, foreign.text)

    def test_statement_pdf(self):
        """The statement of account for the dates asked: opening 0.00, both bills and
        the payment, closing 58.33; a first day after the last gives a plain message."""
        self._login()
        response = self._get(
            f"/my/utility/accounts/{self.account.id}/statement"
            "?date_from=2025-01-01&date_to=2025-02-28"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        text = pdf_text(response.content)
        self.assertIn("STATEMENT OF ACCOUNT", text)
        self.assertIn(self.account.name, text)
        self.assertIn(self.payment.name, text)
        self.assertIn("58.33", text)
        bad = self._get(
            f"/my/utility/accounts/{self.account.id}/statement"
            "?date_from=2025-03-01&date_to=2025-02-01"
        )
        self.assertEqual(bad.headers["Content-Type"].split(";")[0], "text/html")
        self.assertIn("The statement&#39;s first day is after its last day.", bad.text)

    def test_usage_chart(self):
        """A 13-month chart per metered service: the water meter's reads of 01/03
        (initial, 100) and 02/03 (107): 7 in the month of the period's middle
        (January, where the chart ends), twelve months before it at zero, drawn as
        SVG on the page."""
        meter = self.account.service_ids.filtered("meter_id").meter_id[:1]
        self._read_meters(meter, date(2025, 1, 3), [100.0], read_type="initial")
        self._read_meters(meter, date(2025, 2, 3), [107.0])
        charts = self.account.sudo()._get_portal_usage_charts()
        self.assertEqual(len(charts), 1)
        points = charts[0]["points"]
        self.assertEqual(len(points), 13)
        self.assertEqual(points[0]["label"], "Jan 24")
        self.assertEqual(points[-1]["label"], "Jan 25")
        self.assertEqual([str(p["value"]) for p in points], ["0"] * 12 + ["7"])
        self.assertEqual(points[-1]["height"], 120)
        self._login()
        page = self._page()
        self.assertIn("o_utility_usage_chart", page)
        self.assertIn("Jan 25: 7", page)

    # ------------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------------
    def test_other_customer_not_found(self):
        """Typing another customer's ids in the address bar finds nothing: account,
        bill PDF, statement, paperless and autopay all answer 404 and change nothing."""
        self._login()
        missing = self.env["utility.account"].search([], order="id desc", limit=1).id + 1000
        for url in (
            f"/my/utility/accounts/{self.account2.id}",
            f"/my/utility/accounts/{missing}",
            f"/my/utility/bills/{self.other_bill.id}/pdf",
            f"/my/utility/bills/{self.payment.move_id.id}/pdf",
            f"/my/utility/accounts/{self.account2.id}/statement",
        ):
            with self.subTest(url=url):
                self.assertEqual(self._get(url).status_code, 404)
        for url, data in (
            (f"/my/utility/accounts/{self.account2.id}/paperless", {"is_paperless": "1"}),
            (
                f"/my/utility/accounts/{self.account2.id}/autopay",
                {
                    "routing": GOOD_ROUTING,
                    "acc_number": "1",
                    "acc_number_confirm": "1",
                    "authorize": "1",
                },
            ),
        ):
            with self.subTest(url=url):
                self.assertEqual(self._post(url, data).status_code, 404)
        self.assertFalse(self.account2.is_paperless)
        self.assertFalse(
            self.env["utility.autopay.enrollment"].search([("account_id", "=", self.account2.id)])
        )

    def test_other_customer_sees_own_only(self):
        """Casey, logged in, lists his account and not Terry's, and Terry's bill PDF is
        not found for him."""
        self._login(self.casey_user)
        page = self._get("/my/utility/accounts").text
        self.assertIn(self.account2.name, page)
        self.assertNotIn(self.account.name, page)
        self.assertEqual(self._get(f"/my/utility/bills/{self.bill_jan.id}/pdf").status_code, 404)

    def test_public_visitor_sent_to_login(self):
        """A visitor not logged in is sent to the login page, for the pages and the PDF."""
        for url in (
            "/my/utility/accounts",
            f"/my/utility/accounts/{self.account.id}",
            f"/my/utility/bills/{self.bill_jan.id}/pdf",
        ):
            with self.subTest(url=url):
                response = self._get(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertIn("/web/login", response.headers["Location"])

    def test_portal_user_has_no_utility_rights(self):
        """The portal reads for the customer as superuser, after its own check: the
        portal user still reads no utility record through the ORM (nor RPC), and an
        internal clerk reads every account as before."""
        with self.assertRaises(AccessError):
            self.env["utility.account"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.account.with_user(self.portal_user).read(["note"])
        csr = self.csr
        self.assertEqual(
            self.env["utility.account"].with_user(csr).search_count([]),
            self.env["utility.account"].search_count([]),
        )
        self.account2.with_user(csr).read(["name", "partner_id"])

    def test_internal_clerk_portal_lists_own_only(self):
        """A clerk opening /my sees the accounts of their own partner only (none), not
        every account they may read in the back office."""
        csr = self.csr
        self.authenticate(csr.login, csr.login)
        page = self._get("/my/utility/accounts").text
        self.assertIn("No utility account is in your name", page)
        self.assertNotIn(self.account.name, page)
        self.assertEqual(self._get(f"/my/utility/accounts/{self.account.id}").status_code, 404)

    # ------------------------------------------------------------------
    # Paperless bills
    # ------------------------------------------------------------------
    def test_paperless_on_and_off(self):
        """Ticking paperless turns the account's Paperless flag on (its bills are then
        e-mailed once, see account.move._send_utility_bills_by_email); unticking
        turns it off; each change is on the account's chatter with who made it."""
        self._login()
        url = f"/my/utility/accounts/{self.account.id}/paperless"
        page = self._post(url, {"is_paperless": "1"}).text
        self.assertTrue(self.account.is_paperless)
        self.assertIn("Your bills will be e-mailed to you from now on.", page)
        self.assertTrue(
            any(
                "Paperless bills turned on on the customer portal by Terry Tester" in body
                for body in self._chatter(self.account)
            )
        )
        self._post(url, {})
        self.assertFalse(self.account.is_paperless)
        self.assertTrue(
            any(
                "Paperless bills turned off on the customer portal by Terry Tester" in body
                for body in self._chatter(self.account)
            )
        )

    def test_paperless_needs_email(self):
        """Without an e-mail address paperless is refused with a plain message and the
        account stays on paper."""
        self.terry.email = False
        self._login()
        messages = len(self.account.message_ids)
        page = self._post(
            f"/my/utility/accounts/{self.account.id}/paperless", {"is_paperless": "1"}
        ).text
        self.assertIn("add your e-mail address to your contact details first", page)
        self.assertFalse(self.account.is_paperless)
        self.assertEqual(len(self.account.message_ids), messages)

    # ------------------------------------------------------------------
    # Autopay
    # ------------------------------------------------------------------
    def test_autopay_request_waits_for_clerk(self):
        """The customer's request is a draft enrollment with a prenote, the bank
        account of the customer with its routing number; the account is not autopay
        until a clerk confirms it (then the prenote goes out first)."""
        self._login()
        page = self._autopay().text
        self.assertIn("your autopay request was sent to the utility office", page)
        self.assertIn("waits for the utility office to confirm it", page)
        enrollment = self.env["utility.autopay.enrollment"].search(
            [("account_id", "=", self.account.id)]
        )
        self.assertEqual(enrollment.state, "draft")
        self.assertTrue(enrollment.is_prenote)
        self.assertEqual(enrollment.account_type, "checking")
        self.assertEqual(enrollment.user_id, self.portal_user)
        self.assertEqual(enrollment.bank_id.partner_id, self.terry)
        self.assertEqual(enrollment.bank_id.aba_routing, GOOD_ROUTING)
        self.assertEqual(enrollment.bank_id.acc_number, "123456789")
        self.assertFalse(self.account.is_autopay)
        self.assertTrue(
            any(
                "Autopay requested on the customer portal by Terry Tester" in body
                and "****6789" in body
                for body in self._chatter(self.account)
            )
        )
        # The clerk's step: confirm (the portal request is found by its filter).
        self.assertIn(
            enrollment,
            self.env["utility.autopay.enrollment"].search(
                [("state", "=", "draft"), ("user_id.share", "=", True)]
            ),
        )
        enrollment.with_user(self.csr).action_confirm()
        self.assertEqual(enrollment.state, "prenote")
        self.assertTrue(self.account.is_autopay)
        # A second request is refused in plain words.
        page = self._page()
        self.assertNotIn("o_utility_autopay_form", page)

    def test_autopay_second_request_refused(self):
        """While a request waits, another is refused with a plain message."""
        self._login()
        self._autopay()
        # The page no longer offers the form; a second post is refused all the same.
        page = self._autopay(acc_number="555", acc_number_confirm="555").text
        self.assertIn("Your autopay request for this account is waiting for the utility", page)
        self.assertEqual(
            self.env["utility.autopay.enrollment"].search_count(
                [("account_id", "=", self.account.id)]
            ),
            1,
        )

    def test_autopay_bad_input_changes_nothing(self):
        """A routing number failing its check digit, numbers typed differently, the
        authorization not ticked, a number with symbols: a plain message each, and no
        enrollment, bank account or chatter message is written."""
        self._login()
        Bank = self.env["res.partner.bank"]
        banks = Bank.search_count([("partner_id", "=", self.terry.id)])
        messages = len(self.account.message_ids)
        cases = (
            ({"routing": BAD_ROUTING}, "routing number 071000014 fails its check digit"),
            ({"routing": "12345"}, "must be 9 digits"),
            ({"acc_number_confirm": "123456780"}, "are not the same"),
            ({"authorize": ""}, "Tick the authorization box"),
            (
                {"acc_number": "12#45", "acc_number_confirm": "12#45"},
                "must be 1 to 17 letters or digits",
            ),
            ({"account_type": "brokerage"}, "Choose a checking or a savings account."),
        )
        for values, message in cases:
            with self.subTest(values=values):
                page = self._autopay(**values).text
                self.assertIn(message, page)
        self.assertFalse(
            self.env["utility.autopay.enrollment"].search([("account_id", "=", self.account.id)])
        )
        self.assertEqual(Bank.search_count([("partner_id", "=", self.terry.id)]), banks)
        self.assertEqual(len(self.account.message_ids), messages)
        self.assertFalse(self.account.is_autopay)
