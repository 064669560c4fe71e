# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo town's utility: a city utility's name, address, phone, office hours,
logo and document layout on every bill, receipt and statement, and one demo
user per role (login = password, listed in the README).
"""

import base64
import io

from PIL import Image, ImageDraw, ImageFont

from odoo import Command, api, fields, models

# One user per utility role: (login, name, group xml id). The cashier is the
# cashiering demo's own user (``utility_demo_town_cashier``).
DEMO_ROLE_USERS = (
    ("demo_csr", "Chris Service", "utility_billing.group_utility_csr"),
    ("demo_billing", "Bailey Billing", "utility_billing.group_utility_billing"),
    ("demo_supervisor", "Sam Supervisor", "utility_billing.group_utility_supervisor"),
)
LOGO_FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"
OFFICE_HOURS = "Office hours: Monday to Friday, 8:00 AM to 4:30 PM"


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_company(self):
        """Make the demo company the Prairie City utility (before any document)."""
        company = self.env.company
        iowa = self._demo_state()
        company.write(
            {
                "name": "Prairie City Water & Sewer Utility",
                "street": "200 E Jefferson St",
                "street2": "City Hall, Utility Billing Office",
                "city": "Prairie City",
                "zip": "50228",
                "state_id": iowa.id,
                "country_id": self.env.ref("base.us").id,
                "phone": "(515) 555-0142",
                "email": "utilities@prairiecity.example.com",
                "website": "https://www.prairiecity.example.com",
                "logo": self._demo_logo(),
                "report_footer": f"{OFFICE_HOURS} · (515) 555-0142 · "
                "utilities@prairiecity.example.com",
                # The document layout is chosen: Odoo's layout designer does not
                # pop up at the first receipt or bill printed.
                "external_report_layout_id": self.env.ref("web.external_layout_standard").id,
                "paperformat_id": self.env.ref("base.paperformat_us").id,
                # Payments by mail go to the city's P.O. Box, not to City Hall.
                "utility_remit_to_name": "Prairie City Utility Billing",
                "utility_remit_to_address": "P.O. Box 310\nPrairie City, IA 50228-0310",
            }
        )
        self._demo_role_users()
        return company

    @api.model
    def _demo_state(self):
        """Iowa: Prairie City, IA 50228."""
        return self.env["res.country.state"].search(
            [("country_id", "=", self.env.ref("base.us").id), ("code", "=", "IA")], limit=1
        )

    @api.model
    def _demo_logo(self):
        """A plain logo drawn here (no image file to ship): a water drop and the name."""
        image = Image.new("RGB", (600, 160), "white")
        draw = ImageDraw.Draw(image)
        blue = (22, 94, 160)
        draw.ellipse((20, 50, 110, 140), fill=blue)
        draw.polygon([(65, 8), (26, 78), (104, 78)], fill=blue)
        font, small = (self._demo_font(size) for size in (40, 24))
        draw.text((135, 30), "PRAIRIE CITY", fill=blue, font=font)
        draw.text((137, 88), "Water & Sewer Utility", fill=(60, 60, 60), font=small)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return base64.b64encode(buffer.getvalue())

    @api.model
    def _demo_font(self, size):
        # The bill's own fonts (fonts-liberation, installed by ./ub); Pillow's
        # bitmap font when they are missing.
        try:
            return ImageFont.truetype(LOGO_FONT, size)
        except OSError:
            return ImageFont.load_default()

    @api.model
    def _demo_role_users(self):
        """One user per role; the cashier comes from the cashiering demo."""
        Users = self.env["res.users"].with_context(no_reset_password=True)
        logins = [login for login, _name, _group in DEMO_ROLE_USERS]
        existing = set(Users.search([("login", "in", logins)]).mapped("login"))
        employee = self.env.ref("base.group_user")
        Users.create(
            [
                {
                    "name": name,
                    "login": login,
                    "password": login,
                    "email": f"{login}@prairiecity.example.com",
                    "groups_id": [Command.link(employee.id), Command.link(self.env.ref(group).id)],
                }
                for login, name, group in DEMO_ROLE_USERS
                if login not in existing
            ]
        )
        self._demo_cashier_user()

    @api.model
    def _generate_counter(self):
        """A second drawer closed this afternoon and not yet deposited (after the
        demo deposit), so Bank Deposits > New has closed drawers to gather."""
        accounts = self._demo_accounts_to_pay()
        user = self.env["res.users"].search([("login", "=", "demo_csr")], limit=1)
        if len(accounts) < 16 or not user:
            return False
        misc_types = self.env["utility.misc.receipt.type"].search(
            [("company_id", "in", (False, self.env.company.id))]
        )
        day = fields.Date.context_today(self)
        return self._demo_closed_session(user, day, accounts[10:16], misc_types)
