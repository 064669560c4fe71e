# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Rates as cities publish them, in the demo town: a quarterly water schedule
(prices per quarter), residential sewer on a winter average for a few
accounts, a multifamily account billed per dwelling unit, first and additional
garbage carts, and a pass-through fee per 1,000 gallons.
"""

from collections import defaultdict
from datetime import date

from odoo import Command, api, models

from .utility_locked_fields_mixin import as_action


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_rates(self):
        """Before the billing runs, so the runs bill these rules."""
        ref = self.env.ref
        water = ref("utility_billing.service_type_water")
        sewer = ref("utility_billing.service_type_sewer")
        garbage = ref("utility_billing.service_type_garbage")
        start = date(date.today().year - 2, 1, 1)
        Schedule = self.env["utility.rate.schedule"]

        def schedule(code, name, service_type, lines, version=None, **vals):
            return Schedule.create(
                dict(
                    {
                        "name": name,
                        "code": code,
                        "service_type_id": service_type.id,
                        "version_ids": [
                            Command.create(
                                dict(
                                    {
                                        "date_start": start,
                                        "line_ids": [
                                            Command.create(dict({"sequence": 10 * i}, **line))
                                            for i, line in enumerate(lines, start=1)
                                        ],
                                    },
                                    **(version or {}),
                                )
                            )
                        ],
                    },
                    **vals,
                )
            )

        # Quarterly prices, as Gorham, NH publishes them (for a quarterly cycle).
        schedule(
            "W-Q",
            "Water - Quarterly (prices per quarter)",
            water,
            [
                {"name": "Meter and billing charge", "component": "fixed", "amount": 5.90},
                {
                    "name": "Quarterly minimum",
                    "component": "minimum",
                    "amount": 63.14,
                    "allowance": 12,
                },
                {"name": "Usage", "component": "unit", "price_unit": 4.77},
            ],
            usage_unit="ccf",
            price_period="3",
        )
        winter = schedule(
            "S-WA",
            "Sewer - Residential, Winter Average",
            sewer,
            [
                {"name": "Customer charge", "component": "fixed", "amount": 21.00},
                {"name": "Sewer", "component": "unit", "price_unit": 5.25},
            ],
            volume_basis="winter_average",
            winter_month_start="12",
            winter_month_count=3,
            winter_bill_count=3,
            winter_missing_rule="default",
            winter_default_volume=4.0,
        )
        multifamily = schedule(
            "W-MF",
            "Water - Multifamily, Shared Meter",
            water,
            [
                {"name": "Customer charge", "component": "fixed", "amount": 13.11},
                {"name": "Per dwelling unit", "component": "dwelling", "price_unit": 39.54},
                {"name": "Usage", "component": "unit", "price_unit": 4.35},
                {"name": "State water fee", "component": "passthrough", "price_unit": 0.10},
            ],
            version={"proration": "days_30"},
        )
        carts = schedule(
            "G-AC",
            "Garbage - First and Additional Carts",
            garbage,
            [
                {
                    "name": "Garbage",
                    "component": "cart",
                    "price_unit": 10.00,
                    "has_additional_price": True,
                    "additional_price_unit": 4.75,
                }
            ],
        )
        services = self.env["utility.account.service"].search(
            [("state", "=", "active"), ("account_id.customer_class.code", "=", "residential")],
            order="id",
        )
        sewers = services.filtered(lambda s: s.service_type_id == sewer)[:12]
        sewers.write({"rate_schedule_id": winter.id})
        commercial = self.env["utility.account.service"].search(
            [("state", "=", "active"), ("account_id.customer_class.code", "=", "commercial")],
            order="id",
        )
        for units, service in zip(
            (8, 12), commercial.filtered(lambda s: s.service_type_id == water)[:2], strict=False
        ):
            service.write({"rate_schedule_id": multifamily.id, "dwelling_unit_count": units})
        commercial.filtered(lambda s: s.service_type_id == garbage)[:5].write(
            {"rate_schedule_id": carts.id}
        )
        self._demo_electric(commercial.account_id[2:6], schedule)
        return True

    def _demo_electric(self, accounts, schedule):
        """Electric on a few commercial accounts (Washington Island Electric
        Cooperative's published rates): two small ones on energy blocks, two
        large ones with a demand charge; kWh meters read with their water."""
        company = self.env.company
        electric = self.env.ref("utility_billing.service_type_electric")
        if not self.env["account.account"].search_count(
            [("company_ids", "in", company.ids)], limit=1
        ):
            return
        Account = self.env["account.account"].with_company(company)
        electric.with_company(company).account_income_id = Account.search(
            [("code", "=", "400150"), ("company_ids", "in", company.ids)], limit=1
        ) or Account.create({"code": "400150", "name": "Electric Sales", "account_type": "income"})
        small = schedule(
            "E-GS",
            "Electric - General Service",
            electric,
            [
                {"name": "Facility charge", "component": "fixed", "amount": 53.00},
                {
                    "name": "Energy",
                    "component": "block",
                    "block_ids": [
                        Command.create({"quantity_from": 0, "price_unit": 0.1275}),
                        Command.create({"quantity_from": 2000, "price_unit": 0.1025}),
                    ],
                },
            ],
            usage_unit="kwh",
        )
        large = schedule(
            "E-LP",
            "Electric - Large Power",
            electric,
            [
                {"name": "Facility charge", "component": "fixed", "amount": 115.00},
                {"name": "Demand", "component": "demand", "price_unit": 12.00},
                {"name": "Energy", "component": "unit", "price_unit": 0.1025},
            ],
            usage_unit="kwh",
        )
        meters = self.env["utility.meter"].create(
            [
                {
                    "name": f"E-{account.name}",
                    "size": self.env.ref("utility_billing.meter_size_5_8").id,
                    "unit": "kwh",
                    "dials": 7,
                    "state": "installed",
                    "location_id": account.location_id.id,
                }
                for account in accounts
            ]
        )
        water = self.env.ref("utility_billing.service_type_water")
        # Connected by the demo (a move-in would activate them).
        services = (
            as_action(self.env["utility.account.service"])
            .create(
                [
                    {
                        "account_id": account.id,
                        "service_type_id": electric.id,
                        "rate_schedule_id": (small if index < 2 else large).id,
                        "meter_id": meter.id,
                        "date_start": account.service_ids.filtered(
                            lambda s: s.service_type_id == water
                        )[:1].date_start,
                        "state": "active",
                    }
                    for index, (account, meter) in enumerate(zip(accounts, meters, strict=True))
                ]
            )
            .with_env(self.env)
        )
        dates_by_account = defaultdict(set)
        for reading in self.env["utility.meter.reading"].search(
            [("account_id", "in", accounts.ids), ("meter_id.unit", "!=", "kwh")]
        ):
            dates_by_account[reading.account_id.id].add(reading.date)
        vals_list = []
        for index, service in enumerate(services):
            dates = sorted(dates_by_account[service.account_id.id])
            monthly = 1800 + 700 * index if index < 2 else 30000 + 5000 * index
            vals_list += [
                {
                    "meter_id": service.meter_id.id,
                    "service_id": service.id,
                    "date": day,
                    "value": float(monthly * month),
                    "read_type": "initial" if not month else "actual",
                    "demand_kw": float(90 + 20 * index) if index >= 2 and month else 0.0,
                }
                for month, day in enumerate(dates)
            ]
        self.env["utility.meter.reading"].create(vals_list)
