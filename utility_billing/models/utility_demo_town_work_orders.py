# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Work orders in the demo town: a day of orders for two crews.

The North crew has today's check reads ordered from the read-exception queue
(one already read back), a disconnect done on an account that owes and a
reconnect waiting for payment; the South crew delivered a garbage cart and has
a meter exchange, a leak investigation, a final read and a door hanger to go.
The meter shop bench-tested a meter that runs 4 % fast: its refunds wait as draft
adjustments for a clerk. The leak investigation's reading was refused (below the
last reading): it waits in Orders in Error.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# The crew's photo of the lock on the curb stop (a 1x1 PNG stands in for it).
DEMO_PHOTO = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
    b"awAAAABJRU5ErkJggg=="
)


class UtilityDemoTown(models.AbstractModel):
    _inherit = "utility.demo.town"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _generate_work_orders(self):
        company = self.env.company
        fees = self.env["utility.rate.schedule"].search(
            [("is_fee_schedule", "=", True), ("company_id", "in", [company.id, False])], limit=1
        )
        if fees and not company.utility_field_fee_schedule_id:
            company.utility_field_fee_schedule_id = fees
        north, south = self._demo_crews()
        Order = self.env["utility.work.order"]
        today = fields.Date.context_today(self)
        day = {"date_scheduled": today}

        # North: check reads from the review queue, one read back above the held value.
        # Meters not read today: a meter is read at most once a day.
        exceptions = (
            self.env["utility.reading.exception"]
            .search(
                [
                    ("state", "=", "open"),
                    ("code", "=", "high_usage"),
                    ("reading_id", "!=", False),
                ]
            )
            .filtered(lambda e: e.meter_id.last_reading_date < today)[:3]
        )
        exceptions.action_check_read()
        checks = exceptions.work_order_id
        checks.write({"team_id": north.id, **day})
        first = checks[:1]
        if first:
            held = first.exception_ids.reading_id[:1]
            first.write(
                {
                    "result": "completed",
                    "reading_value": held.value,
                    "is_dials_checked": True,
                    "crew_note": "Read twice: the high reading is right (leaking hose bib).",
                }
            )
            first.action_complete()

        accounts = self.env["utility.account"].search(
            [("state", "=", "active"), ("is_life_support", "=", False)], order="name"
        )
        # A meter is read at most once a day: the crew reads meters not read today.
        metered = accounts.filtered(
            lambda a: (
                a.amount_balance > 0
                and a.service_ids.filtered(
                    lambda s: (
                        s.is_metered
                        and s.meter_id
                        and s.meter_id.last_reading_date
                        and s.meter_id.last_reading_date < today
                    )
                )
            )
        )
        if metered:
            account = metered[0]
            disconnect = Order._create_for(
                "disconnect",
                account,
                team_id=north.id,
                amount_due=account.amount_balance,
                **day,
            )
            disconnect.write(
                {
                    "result": "completed",
                    "reading_value": disconnect.meter_id.last_reading_value,
                    "is_dials_checked": True,
                    "photo": DEMO_PHOTO,
                    "crew_note": "Curb stop locked, notice left on the door.",
                }
            )
            disconnect.action_complete()
            # The customer has not paid yet: the reconnect waits for payment.
            Order._create_for("reconnect", account, team_id=north.id, **day)

        # South: a cart delivered, and the rest of the day still to do.
        garbage = self.env["utility.account.service"].search(
            [("state", "=", "active"), ("cart_count", ">", 0)], order="id", limit=1
        )
        if garbage:
            delivery = Order._create_for("cart_delivery", garbage, team_id=south.id, **day)
            delivery.write(
                {
                    "result": "completed",
                    "cart_count_done": garbage.cart_count + 1,
                    "cart_size_done": (
                        garbage.cart_size or self.env.ref("utility_billing.cart_size_96")
                    ).id,
                    "crew_note": "Second cart left by the garage.",
                }
            )
            delivery.action_complete()
        others = accounts.filtered(
            lambda a: a.service_ids.filtered(lambda s: s.is_metered and s.meter_id)
        )[10:14]
        south_orders = {}
        for kind, account in zip(
            ("meter_exchange", "leak", "final_read", "door_hanger"), others, strict=False
        ):
            south_orders[kind] = Order._create_for(
                kind, account, team_id=south.id, time_window="am", **day
            )
        self._demo_fast_meter_test(south)
        if south_orders.get("leak"):
            self._demo_order_in_error(south_orders["leak"])
        return True

    @api.model
    def _demo_order_in_error(self, order):
        """The crew read the meter below its last reading: the Complete button
        refuses it and the order waits in Orders in Error for a second look."""
        order.write(
            {
                "result": "completed",
                "reading_value": max(order.meter_id.last_reading_value - 5.0, 0.0),
                "is_dials_checked": True,
                "crew_note": "Dirty dial face, hard to read.",
            }
        )
        order.action_try_complete()
        return order

    @api.model
    def _demo_fast_meter_test(self, crew):
        """A bench test order completed on a meter billed in the last six months,
        registering 104 % (4 % fast): the refund of its bills is proposed."""
        today = fields.Date.context_today(self)
        period = self.env["utility.service.period"].search(
            [
                ("state", "=", "billed"),
                ("move_id.state", "=", "posted"),
                ("service_id.meter_id.state", "=", "installed"),
                ("date_to", ">=", today - relativedelta(months=6)),
            ],
            order="date_to desc, id",
            limit=1,
        )
        if not period:
            return self.env["utility.work.order"]
        order = self.env["utility.work.order"]._create_for(
            "bench_test", period.service_id.meter_id, team_id=crew.id, date_scheduled=today
        )
        order.write(
            {
                "result": "completed",
                "accuracy_low": 103.2,
                "accuracy_mid": 104.1,
                "accuracy_high": 104.7,
                "crew_note": "Customer asked for the test: the meter runs fast at every flow.",
            }
        )
        order.action_complete()
        return order

    def _demo_crews(self):
        Team = self.env["fsm.team"]
        crews = []
        for name in ("North Crew", "South Crew"):
            crews.append(Team.search([("name", "=", name)], limit=1) or Team.create({"name": name}))
        admin = self.env.ref("base.user_admin")
        crews[0].utility_user_ids = [fields.Command.link(admin.id)]
        return crews
