# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo town: a small city's utility, generated so a newcomer sees every workflow.

Loaded with the demo data only. The generator is deterministic (fixed seed) so
screenshots, the browser test and the README describe the same town every time.
"""

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, models

from .utility_locked_fields_mixin import as_action

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy "
    "Anthony Betty Mark Sandra Donald Margaret Steven Ashley Paul Kimberly Andrew Emily "
    "Joshua Donna Kenneth Michelle Kevin Carol Brian Amanda George Melissa Timothy Deborah"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter"
).split()
STREETS = (
    "Main St|Oak Ave|Maple Dr|Cedar Ln|Elm St|Pine St|Walnut Ave|Lincoln Blvd|"
    "Washington St|Park Ave|Lake Rd|Hill St|River Rd|Church St|Mill Rd|Prairie Ln"
).split("|")
BUSINESSES = (
    "Main Street Diner|Prairie Laundromat|Cedar Auto Wash|Hilltop Dental|Lakeside Motel|"
    "Oak Street Bakery|Riverside Car Care|Lincoln Hardware|Mill Road Brewery|Park Avenue Salon|"
    "Maple Florist|Walnut Grocery|Church Street Pharmacy|Elm Fitness Center|Pine Veterinary Clinic|"
    "Washington Bank Branch|Sunrise Daycare|Northside Pizza|Corner Coffee House|Valley Tire Shop|"
    "Heritage Antiques|Twin Rivers Cinema|Bluebird Cafe|Summit Printing|Harbor Seafood"
).split("|")
INDUSTRIES = (
    "Prairie Foods Plant|Midwest Plastics|Riverside Concrete|Cedar Ice Company|Acme Metal Works"
)
INSTITUTIONS = "Lincoln Elementary School|County Courthouse|Public Library|St. Mary Hospital"
IRRIGATION = (
    "Park Ave Ballfields|Cemetery Grounds|Golf Course Greens|Riverside Park|Main St Median|"
    "HOA Commons"
)

# Month-of-year factor on water use: summer lawns, winter lows.
SEASON = {
    1: 0.8,
    2: 0.8,
    3: 0.85,
    4: 0.95,
    5: 1.1,
    6: 1.35,
    7: 1.5,
    8: 1.45,
    9: 1.2,
    10: 1.0,
    11: 0.85,
    12: 0.8,
}
# Average monthly gallons and meter size by class.
PROFILE = {
    "residential": (5500, ("5/8", "5/8", "5/8", "3/4")),
    "commercial": (32000, ("1", "1.5", "2")),
    "industrial": (260000, ("3", "4")),
    "institutional": (90000, ("2", "3")),
    "irrigation": (45000, ("1.5", "2")),
}


class UtilityDemoTown(models.AbstractModel):
    _name = "utility.demo.town"
    _description = "Utility Billing Demo Town Generator"

    @api.model
    def _generate(self, premises=200, months=13, seed=42):
        """Build the town: premises, customers, accounts, services, meters and readings.

        ``months`` monthly readings end in the current month so the read-edit queue
        always holds fresh exceptions to work.
        """
        rng = random.Random(seed)
        company = self._generate_company()
        self._demo_income_accounts(company)
        routes = self._demo_routes()
        locations = self._demo_locations(rng, premises, routes)
        accounts = self._demo_accounts(rng, locations)
        meters = self._demo_meters(rng, accounts)
        self._demo_services(rng, accounts, meters)
        self._demo_readings(rng, accounts, months)
        self._generate_rates()
        self._generate_winter_averages()
        self._generate_taxes()
        self._demo_billing_runs()
        self._generate_cashiering()
        self._generate_payment_files()
        self._generate_autopay()
        self._generate_lifecycle()
        self._generate_work_orders()
        self._generate_collections()
        self._generate_notices()
        self._generate_adjustments()
        self._generate_suspensions()
        self._generate_extra_deposits()
        self._generate_level_pay()
        self._generate_counter()
        self._generate_records()
        self._generate_whatif()
        self._generate_arrangements()
        self._generate_shutoff()
        self._generate_liens()
        self._generate_agency()
        self._generate_estates()
        self._generate_lien_proposals()
        self._generate_leak_alerts()
        self._generate_portal()
        self._generate_conversion()
        self._generate_reports()
        return True

    # ------------------------------------------------------------------
    # Ledger and calendar
    # ------------------------------------------------------------------
    def _demo_income_accounts(self, company):
        """Give each service its own revenue account, as a city's chart does."""
        Account = self.env["account.account"].with_company(company)
        if not self.env["account.account"].search_count(
            [("company_ids", "in", company.ids)], limit=1
        ):
            return
        codes = {
            "service_type_water": ("400110", "Water Sales"),
            "service_type_sewer": ("400120", "Sewer Charges"),
            "service_type_garbage": ("400130", "Garbage Collection Fees"),
            "service_type_stormwater": ("400140", "Stormwater Utility Fees"),
        }
        for xmlid, (code, name) in codes.items():
            service_type = self.env.ref(f"utility_billing.{xmlid}")
            account = Account.search(
                [("code", "=", code), ("company_ids", "in", company.ids)], limit=1
            ) or Account.create({"code": code, "name": name, "account_type": "income"})
            service_type.with_company(company).account_income_id = account

    def _demo_routes(self):
        cycles = self.env.ref("utility_billing.billing_cycle_north") | self.env.ref(
            "utility_billing.billing_cycle_south"
        )
        routes = self.env["utility.route"].create(
            [
                {
                    "code": f"{cycle.code}-{n}",
                    "name": f"{cycle.name} Route {n}",
                    "cycle_id": cycle.id,
                }
                for cycle in cycles
                for n in (1, 2)
            ]
        )
        return routes

    # ------------------------------------------------------------------
    # Premises and people
    # ------------------------------------------------------------------
    def _demo_locations(self, rng, premises, routes):
        us = self.env.ref("base.us")
        state = self._demo_state()  # Prairie City, IA 50228
        classes = (
            ["industrial"] * 5 + ["institutional"] * 4 + ["irrigation"] * 6 + ["commercial"] * 25
        )
        classes += ["residential"] * (premises - len(classes))
        rng.shuffle(classes)
        class_ids = {
            code: record.id
            for code, record in self.env["utility.customer.class"]._get_by_code(classes).items()
        }
        landlords = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "email": f"office@{slug}.example.com",
                    "country_id": us.id,
                }
                for name, slug in (
                    ("Prairie Rentals LLC", "prairierentals"),
                    ("Oakwood Property Management", "oakwoodpm"),
                    ("H. Keller Properties", "kellerprops"),
                )
            ]
        )
        vals_list = []
        for index, customer_class in enumerate(classes):
            route = routes[index % len(routes)]
            number = 100 + 4 * (index // len(STREETS)) + rng.randint(0, 3)
            street = f"{number} {STREETS[index % len(STREETS)]}"
            vals_list.append(
                {
                    "street": street,
                    "city": "Prairie City",
                    "zip": "50228",
                    "state_id": state.id if state else False,
                    "country_id": us.id,
                    "parcel_number": f"{rng.randint(10, 99)}-{rng.randint(100, 999)}-{index:04d}",
                    "customer_class": class_ids[customer_class],
                    "is_inside_city": rng.random() > 0.08,
                    "route_id": route.id,
                    "read_sequence": index * 10,
                    "latitude": 41.60 + rng.uniform(-0.02, 0.02),
                    "longitude": -93.24 + rng.uniform(-0.03, 0.03),
                    "owner_id": landlords[index % 3].id
                    if customer_class == "residential" and rng.random() < 0.18
                    else False,
                }
            )
        return self.env["utility.service.location"].create(vals_list)

    def _demo_customer_names(self, rng, locations):
        business = {
            "commercial": iter(BUSINESSES),
            "industrial": iter(INDUSTRIES.split("|")),
            "institutional": iter(INSTITUTIONS.split("|")),
            "irrigation": iter(IRRIGATION.split("|")),
        }
        names = []
        for location in locations:
            if location.customer_class.code == "residential":
                names.append((f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", False))
            else:
                name = next(business[location.customer_class.code], None)
                names.append((name or f"{location.street} Business", True))
        return names

    def _demo_accounts(self, rng, locations):
        us = self.env.ref("base.us")
        names = self._demo_customer_names(rng, locations)
        partners = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": is_company,
                    "street": location.street,
                    "city": location.city,
                    "zip": location.zip,
                    "state_id": location.state_id.id,
                    "country_id": us.id,
                    "email": "{}@example.com".format(
                        ".".join(name.lower().replace(",", "").replace(".", "").split())
                    ),
                    "phone": f"+1 515 555 {1000 + index:04d}",
                }
                for index, ((name, is_company), location) in enumerate(
                    zip(names, locations, strict=True)
                )
            ]
        )
        today = date.today()
        vals_list = []
        for index, (partner, location) in enumerate(zip(partners, locations, strict=True)):
            residential = location.customer_class.code == "residential"
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "location_id": location.id,
                    # Rentals changed hands recently; owners have been here for years.
                    "date_start": today
                    - (
                        relativedelta(months=rng.randint(15, 30))
                        if location.owner_id
                        else relativedelta(years=rng.randint(2, 15), days=rng.randint(0, 300))
                    ),
                    "is_autopay": rng.random() < 0.2,
                    "is_paperless": rng.random() < 0.25,
                    "is_level_pay": residential and rng.random() < 0.05,
                    "is_landlord_notify": bool(location.owner_id),
                    "discount_program": (
                        "senior"
                        if residential and rng.random() < 0.08
                        else "low_income"
                        if residential and rng.random() < 0.04
                        else False
                    ),
                    "is_life_support": index in (7, 93),
                    "is_cash_only": index in (15, 121),
                    "is_bankruptcy": index == 44,
                    "is_estate": index == 150,
                }
            )
        accounts = self.env["utility.account"].create(vals_list)
        self._demo_previous_tenants(rng, locations.filtered("owner_id")[:10], us)
        return accounts

    def _demo_previous_tenants(self, rng, locations, us):
        """Rentals had tenants before: closed accounts show the premise outliving them."""
        partners = self.env["res.partner"].create(
            [
                {"name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}", "country_id": us.id}
                for _location in locations
            ]
        )
        today = date.today()
        # History brought from the old system: accounts closed there long ago.
        as_action(self.env["utility.account"]).create(
            [
                {
                    "partner_id": partner.id,
                    "location_id": location.id,
                    "state": "closed",
                    "date_start": today - relativedelta(years=4),
                    "date_end": today - relativedelta(months=31, days=rng.randint(0, 60)),
                }
                for partner, location in zip(partners, locations, strict=True)
            ]
        )

    # ------------------------------------------------------------------
    # Meters and services
    # ------------------------------------------------------------------
    def _demo_meters(self, rng, accounts):
        """One meter a premise (irrigation too), and spares on the shelf."""
        makes = (
            ("Badger", "Recordall"),
            ("Neptune", "T-10"),
            ("Sensus", "iPERL"),
            ("Mueller", "MJ"),
        )
        sizes = self.env["utility.meter.size"]._get_by_code(
            {code for _average, codes in PROFILE.values() for code in codes} | {"5/8", "1"}
        )
        vals_list = []
        for index, account in enumerate(accounts):
            customer_class = account.location_id.customer_class.code
            make, model = makes[index % len(makes)]
            vals_list.append(
                {
                    "name": f"{make[:2].upper()}{24000000 + index * 7919:08d}",
                    "make": make,
                    "model": model,
                    "size": sizes[rng.choice(PROFILE[customer_class][1])].id,
                    "unit": "gallon",
                    "dials": 8 if customer_class in ("industrial", "institutional") else 7,
                    "multiplier": 1.0,
                }
            )
        vals_list += [
            {
                "name": f"SP{25000000 + n:08d}",
                "make": "Badger",
                "model": "Recordall",
                "size": sizes["5/8" if n < 10 else "1"].id,
                "unit": "gallon",
                "dials": 7,
                "multiplier": 1.0,
            }
            for n in range(15)
        ]
        return self.env["utility.meter"].create(vals_list)

    def _demo_services(self, rng, accounts, meters):
        ref = self.env.ref
        water, sewer, garbage, storm = (
            ref(f"utility_billing.service_type_{code}")
            for code in ("water", "sewer", "garbage", "stormwater")
        )
        start = date.today() - relativedelta(months=14)
        carts = self.env["utility.cart.size"]._get_by_code(("64", "96"))
        vals_list = []
        for account, meter in zip(accounts, meters[: len(accounts)], strict=True):
            customer_class = account.customer_class.code
            common = {
                "account_id": account.id,
                "date_start": max(account.date_start, start) if account.date_start else start,
            }
            irrigation = customer_class == "irrigation"
            vals_list.append(
                dict(
                    common,
                    service_type_id=water.id,
                    meter_id=meter.id,
                    rate_schedule_id=ref(
                        "utility_billing.rate_schedule_water_irrigation"
                        if irrigation
                        else "utility_billing.rate_schedule_water"
                    ).id,
                )
            )
            if irrigation:
                continue
            vals_list.append(
                dict(
                    common,
                    service_type_id=sewer.id,
                    rate_schedule_id=ref(
                        "utility_billing.rate_schedule_sewer"
                        if customer_class == "residential"
                        else "utility_billing.rate_schedule_sewer_commercial"
                    ).id,
                )
            )
            if customer_class in ("residential", "commercial"):
                vals_list.append(
                    dict(
                        common,
                        service_type_id=garbage.id,
                        rate_schedule_id=ref("utility_billing.rate_schedule_garbage").id,
                        cart_count=1 if customer_class == "residential" else rng.randint(2, 4),
                        cart_size=carts[
                            rng.choice(("64", "96")) if customer_class == "residential" else "96"
                        ].id,
                    )
                )
            vals_list.append(
                dict(
                    common,
                    service_type_id=storm.id,
                    rate_schedule_id=ref("utility_billing.rate_schedule_stormwater").id,
                    eru_count=1.0 if customer_class == "residential" else float(rng.randint(2, 24)),
                )
            )
        services = self.env["utility.account.service"].create(vals_list)
        water_services = services.filtered(lambda s: s.service_type_id == water)
        self.env["utility.meter.install"].create(
            [
                {
                    "meter_id": service.meter_id.id,
                    "location_id": service.location_id.id,
                    "service_id": service.id,
                    "date_install": start,
                    "initial_read": 0.0,
                }
                for service in water_services
            ]
        )
        for service in water_services:
            service.meter_id.write({"state": "installed", "location_id": service.location_id.id})
        accounts.action_activate()

    # ------------------------------------------------------------------
    # Readings
    # ------------------------------------------------------------------
    def _demo_readings(self, rng, accounts, months):
        """An initial read, then ``months`` monthly reads per water meter.

        The history is clean (past exceptions were worked at the time); the current
        month carries the cases every read edit exists for.
        """
        water = self.env.ref("utility_billing.service_type_water")
        services = accounts.service_ids.filtered(lambda s: s.service_type_id == water)
        today = date.today()
        first = today.replace(day=1) - relativedelta(months=months)
        registers = {}
        plan = {}  # service -> list of (date, value, read_type)
        for service in services:
            meter = service.meter_id
            capacity = 10**meter.dials
            average = PROFILE[service.account_id.customer_class.code][0] * rng.uniform(0.6, 1.5)
            value = rng.randint(0, capacity // 4)
            read_day = 3 if service.account_id.cycle_id.code == "C1" else 17
            rows = [(first + timedelta(days=read_day - 1), value, "initial")]
            for month in range(1, months + 1):
                read_date = first + relativedelta(months=month) + timedelta(days=read_day - 1)
                read_date = min(read_date, today)
                use = average * SEASON[read_date.month] * rng.uniform(0.85, 1.15)
                if service.account_id.customer_class.code == "irrigation":
                    use *= 2.5 if read_date.month in (5, 6, 7, 8, 9) else 0.15
                value = (value + round(use)) % capacity
                rows.append((read_date, value, "actual"))
            plan[service] = rows
            registers[service] = capacity
        vacationer = self._demo_inject_read_cases(rng, plan, registers)
        Reading = self.env["utility.meter.reading"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        for step in range(months + 1):
            if step == months:
                # Water stopped for a vacation, yet the meter turned: a leak or a tenant.
                vacationer.action_suspend()
            batch = Reading.create(
                [
                    {
                        "meter_id": service.meter_id.id,
                        "service_id": service.id,
                        "date": rows[step][0],
                        "value": rows[step][1],
                        "read_type": rows[step][2],
                        "source": "manual" if step == 0 else "import",
                    }
                    for service, rows in plan.items()
                ]
            )
            if step < months:
                # Past months were reviewed back then: their exceptions are worked.
                batch.exception_ids.filtered(lambda e: e.state == "open").action_accept()

    def _demo_inject_read_cases(self, rng, plan, registers):
        """Give the current month one or more case of each read edit."""
        residential = [s for s in plan if s.account_id.customer_class.code == "residential"]
        picks = iter(rng.sample(residential, 16))
        last = -1

        def bump(service, factor):
            rows = plan[service]
            previous = rows[last - 1][1]
            use = (rows[last][1] - previous) % registers[service]
            rows[last] = (
                rows[last][0],
                (previous + round(use * factor)) % registers[service],
                "actual",
            )

        for _n in range(5):  # leaks: high usage
            bump(next(picks), rng.uniform(4.0, 7.0))
        for _n in range(2):  # low usage
            bump(next(picks), 0.1)
        for _n in range(3):  # zero usage on an active service
            service = next(picks)
            rows = plan[service]
            rows[last] = (rows[last][0], rows[last - 1][1], "actual")
        for _n in range(2):  # misread: the reader swapped digits, the register went backwards
            service = next(picks)
            rows = plan[service]
            rows[last] = (rows[last][0], max(rows[last - 1][1] - 38000, 0), "actual")
        service = next(picks)  # stuck meter: same reading three periods running
        rows = plan[service]
        for offset in (-3, -2, -1):
            rows[offset] = (rows[offset][0], rows[-4][1], "actual")
        service = next(picks)  # estimated read after read (a locked gate)
        rows = plan[service]
        for offset in (-3, -2, -1):
            rows[offset] = (rows[offset][0], rows[offset][1], "estimated")
        service = next(picks)  # register rollover: the register wraps this month
        rows = plan[service]
        capacity = registers[service]
        shift = capacity - rows[-2][1] - 1500
        plan[service] = [(d, (v + shift) % capacity, t) for d, v, t in rows]
        return next(picks)

    # ------------------------------------------------------------------
    # Billing runs
    # ------------------------------------------------------------------
    def _demo_billing_runs(self):
        """The register a billing clerk opens first: North Side's last complete
        read window billed and posted, South Side's computed and waiting for
        review (with the current month's read exceptions when its window is
        the current month's).

        The jobs run in this transaction: no queue, and no commit while the
        module installs.
        """
        Run = self.env["utility.billing.run"].with_context(
            queue_job__no_delay=True, utility_billing_run_commit=False
        )
        today = date.today()
        runs = Run.browse()
        for xmlid in ("billing_cycle_north", "billing_cycle_south"):
            cycle = self.env.ref(f"utility_billing.{xmlid}")
            dates = Run._get_cycle_dates(cycle, today)
            if dates["date_to"] >= today:
                # Reads still coming in: the window before is the last complete one.
                dates = Run._get_cycle_dates(cycle, today - relativedelta(months=1))
            if dates["date_invoice"] > today:
                # Between the last read day and the bill day: bills dated today.
                dates["date_invoice"] = today
                dates["date_due"] = today + relativedelta(days=cycle.due_days)
                dates["date_penalty"] = dates["date_due"] + relativedelta(days=cycle.penalty_days)
            runs |= Run.create(dict(dates, cycle_id=cycle.id))
        runs.action_compute()
        north = runs[0]
        if north.ok_count:
            north.action_post()
        return runs

    # ------------------------------------------------------------------
    # Synthetic cycles for tests and benchmarks
    # ------------------------------------------------------------------
    @api.model
    def _create_billable_accounts(self, count, route, schedules, prefix, date_start):
        """``count`` active accounts on ``route``, each with a customer, a premise, an
        installed kgal meter and water, sewer and garbage (one 96-gallon cart) services.

        :param schedules: {"water": schedule, "sewer": schedule, "garbage": schedule}
        :return: (accounts, meters), ordered alike
        """
        partners = self.env["res.partner"].create(
            [{"name": f"{prefix} Customer {i}"} for i in range(count)]
        )
        locations = self.env["utility.service.location"].create(
            [
                {"street": f"{i} {prefix} Street", "city": "Prairie City", "route_id": route.id}
                for i in range(count)
            ]
        )
        accounts = self.env["utility.account"].create(
            [
                {"partner_id": partner.id, "location_id": location.id}
                for partner, location in zip(partners, locations, strict=True)
            ]
        )
        meters = self.env["utility.meter"].create(
            [
                {
                    "name": f"{prefix}-M{account.id}",
                    "size": self.env.ref("utility_billing.meter_size_5_8").id,
                    "unit": "kgal",
                    "dials": 6,
                    "state": "installed",
                    "location_id": account.location_id.id,
                }
                for account in accounts
            ]
        )
        service_vals = []
        for account, meter in zip(accounts, meters, strict=True):
            common = {"account_id": account.id, "date_start": date_start}
            service_vals += [
                dict(
                    common,
                    service_type_id=schedules["water"].service_type_id.id,
                    rate_schedule_id=schedules["water"].id,
                    meter_id=meter.id,
                ),
                dict(
                    common,
                    service_type_id=schedules["sewer"].service_type_id.id,
                    rate_schedule_id=schedules["sewer"].id,
                ),
                dict(
                    common,
                    service_type_id=schedules["garbage"].service_type_id.id,
                    rate_schedule_id=schedules["garbage"].id,
                    cart_count=1,
                    cart_size=self.env.ref("utility_billing.cart_size_96").id,
                ),
            ]
        self.env["utility.account.service"].create(service_vals)
        accounts.action_activate()
        return accounts, meters
