# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_agency_rule import AgencyRuleCommon


@tagged("post_install", "-at_install")
class TestRecoveryMenus(AgencyRuleCommon):
    """Collections has a menu for each: *Recoveries After Write-off* lists what
    was recovered on written-off accounts, *Agency Collections* what the agency
    collected, written off or not. Account 1 written off, 30.00 recovered at the
    office; account 3 (owing 33.00, never written off) at the agency, which
    collects 33.00."""

    def _records(self, xmlid, user):
        action = self.env.ref(xmlid)
        Recovery = self.env[action.res_model].with_user(user)
        return Recovery.search(safe_eval(action.domain)), safe_eval(action.context or "{}")

    def test_each_kind_has_its_menu(self):
        write_off = self._new_write_off(self.account)
        write_off.action_submit()
        write_off.with_user(self.approver).action_approve()
        Recovery = self.env["utility.write.off.recovery"].with_user(self.preparer)
        recovered = Recovery.create(
            {"line_id": write_off.line_ids.id, "amount": 30.0, "date": date(2025, 6, 2)}
        )
        referral = self._refer(self.account3)
        collected = Recovery.create(
            {
                "referral_id": referral.id,
                "is_agency": True,
                "amount": 33.0,
                "date": date(2025, 6, 2),
            }
        )
        after, _context = self._records(
            "utility_billing.utility_write_off_recovery_action", self.csr
        )
        self.assertEqual(after, recovered)
        agency, context = self._records(
            "utility_billing.utility_agency_collection_action", self.csr
        )
        self.assertEqual(agency, collected)
        self.assertEqual(context, {"default_is_agency": True})
        # Both menus under Collections, for customer service and up.
        menus = (
            self.env["ir.ui.menu"]
            .with_user(self.csr)
            .search(
                [("parent_id", "=", self.env.ref("utility_billing.utility_collections_menu").id)]
            )
        )
        self.assertIn("Recoveries After Write-off", menus.mapped("name"))
        self.assertIn("Agency Collections", menus.mapped("name"))
        views = Recovery.get_views([(False, "list"), (False, "search")])
        self.assertIn("referral_id", views["views"]["list"]["arch"])
        self.assertIn("Collected by the Agency", views["views"]["search"]["arch"])
