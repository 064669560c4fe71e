# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.utility_billing.lib.card_numbers import find_card_numbers

from .common_cashier import CashierCommon

# Test numbers published by the card networks (Luhn-valid, never real cards).
PANS = ("4111111111111111", "4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005")


@tagged("post_install", "-at_install")
class TestCardNumbers(CashierCommon):
    def _card(self, **vals):
        return dict(
            {"tender": "card", "card_brand": "visa", "card_last4": "1111", "card_reference": "A1"},
            **vals,
        )

    def _find_card_numbers_in_database(self):
        """Every text in the utility tables and the chatter that looks like a card number."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT table_name, column_name
              FROM information_schema.columns
             WHERE table_schema = 'public'
               AND data_type IN ('character varying', 'text', 'jsonb')
               AND (table_name LIKE 'utility%%'
                    OR table_name IN ('mail_message', 'mail_tracking_value'))
            """
        )
        # Message-ID headers are random technical ids, not anything a clerk typed.
        columns = [c for c in self.env.cr.fetchall() if c != ("mail_message", "message_id")]
        self.assertGreater(len(columns), 50, "the scan reads the utility tables")
        found = []
        for table, column in columns:
            # Table and column names come from the catalog, not from input.
            self.env.cr.execute(
                f'SELECT "{column}"::text FROM "{table}" '
                f"WHERE \"{column}\"::text ~ '[0-9][0-9 -]{{11,}}[0-9]'"
            )
            found += [
                (table, column, number)
                for (text,) in self.env.cr.fetchall()
                for number in find_card_numbers(text)
            ]
        return found

    def test_a_card_number_is_refused_in_every_field_of_a_card_payment(self):
        for pan in PANS:
            for field in ("card_reference", "check_number", "check_bank"):
                with self.assertRaisesRegex(ValidationError, "looks like a card number"), \
                        self.cr.savepoint():  # fmt: skip
                    self._receive([(self.account, 10.0)], **self._card(**{field: pan}))
        with self.assertRaisesRegex(ValidationError, "looks like a card number"), \
                self.cr.savepoint():  # fmt: skip
            self._receive([(self.account, 10.0)], **self._card(card_last4=PANS[0]))
        # Straight on the payment, whoever creates it.
        for field in ("card_reference", "check_number", "reference"):
            with self.assertRaisesRegex(ValidationError, "looks like a card number"), \
                    self.cr.savepoint():  # fmt: skip
                self.env["utility.payment"].create(
                    {
                        "session_id": self.session.id,
                        **self._card(**{field: f"ref {PANS[1]} exp 12/27"}),
                        "line_ids": [Command.create({"account_id": self.account.id, "amount": 1})],
                    }
                )
        with self.assertRaisesRegex(ValidationError, "Description holds what looks like"), \
                self.cr.savepoint():  # fmt: skip
            self.env["utility.payment"].create(
                {
                    "session_id": self.session.id,
                    **self._card(),
                    "line_ids": [
                        Command.create(
                            {"account_id": self.account.id, "amount": 1, "name": PANS[2]}
                        )
                    ],
                }
            )
        self.assertFalse(self.session.payment_ids)

    def test_the_message_never_repeats_the_number(self):
        with self.assertRaises(ValidationError) as caught, self.cr.savepoint():
            self._receive([(self.account, 10.0)], **self._card(card_reference=PANS[0]))
        message = str(caught.exception)
        self.assertIn("****1111", message)
        self.assertNotIn(PANS[0], message)
        self.assertIn("keep only the processor reference and the last four digits", message)

    def test_a_card_number_is_refused_in_a_void_reason(self):
        _wizard, payment = self._receive([(self.account, 10.0)], **self._card())
        with self.assertRaisesRegex(ValidationError, "looks like a card number"), \
                self.cr.savepoint():  # fmt: skip
            self._void(payment, reason=f"customer wants it on card {PANS[1]}")
        with self.assertRaisesRegex(ValidationError, "looks like a card number"), \
                self.cr.savepoint():  # fmt: skip
            payment.with_user(self.cashier)._request_void(f"other card {PANS[3]}")
        self.assertEqual(payment.state, "posted")

    def test_last_four_is_exactly_four_digits(self):
        for value in ("123", "12345", "12a4", "****"):
            with self.assertRaisesRegex(ValidationError, "exactly 4 digits"), \
                    self.cr.savepoint():  # fmt: skip
                self._receive([(self.account, 10.0)], **self._card(card_last4=value))
        with self.assertRaisesRegex(UserError, "last four digits of the card"), \
                self.cr.savepoint():  # fmt: skip
            self._receive([(self.account, 10.0)], **self._card(card_last4=False))

    def test_harmless_numbers_pass(self):
        _wizard, payment = self._receive(
            [(self.account, 10.0)],
            **self._card(card_reference="AUTH 836112 / TXN 20250301123"),
        )
        self.assertEqual(payment.state, "posted")
        _wizard, check = self._receive(
            [(self.account, 10.0)], tender="check", check_number="004111", check_bank="Bank 12"
        )
        self.assertEqual(check.state, "posted")
        # At the counter a cashier may pick the wrong tender: a check does not
        # carry a card number either.
        with self.assertRaisesRegex(ValidationError, "looks like a card number"), \
                self.cr.savepoint():  # fmt: skip
            self._receive([(self.account, 10.0)], tender="check", check_number=PANS[0])

    def test_no_card_number_anywhere_in_the_database_after_card_payments(self):
        # With the chatter on, as in production: tracking values are scanned too.
        self.env.cr.precommit.clear()
        self.env = self.env(context=dict(self.env.context, tracking_disable=False,
                                         mail_notrack=False))  # fmt: skip
        self.session = self.session.with_env(self.env)
        for pan in PANS:
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self._receive([(self.account, 10.0)], **self._card(card_reference=pan))
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.env["utility.payment.receive"].with_user(self.cashier).create(
                    {
                        "session_id": self.session.id,
                        "line_ids": [
                            Command.create(
                                {"account_id": self.account.id, "amount": 1.0, "name": pan}
                            )
                        ],
                    }
                )
            with self.assertRaises(ValidationError), self.cr.savepoint():
                self.env["utility.cashier.session.close"].with_user(self.cashier).create(
                    {"session_id": self.session.id, "note": f"found {pan} on the floor"}
                )
        commit = self.env.cr.precommit.run  # each action is a request of its own
        _wizard, first = self._receive([(self.account, 30.0)], **self._card())
        commit()
        _wizard, second = self._receive(
            [(self.account, 20.0)],
            **self._card(card_brand="amex", card_last4="0005", card_reference="AUTH 9"),
        )
        commit()
        self._void(second, reason="Card declined after the fact")
        commit()
        self._count(cash=[(100.0, 1)], amount_card=30.0)
        commit()
        self.env.invalidate_all()
        self.assertEqual(self.session.state, "closed")
        self.assertEqual(first.state, "posted")
        self.assertTrue(second.sudo().message_ids.tracking_value_ids, "the chatter is on")
        self.assertTrue(self.session.sudo().message_ids.tracking_value_ids)
        self.assertEqual(self._find_card_numbers_in_database(), [])
