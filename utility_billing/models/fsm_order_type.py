# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# What a utility order does to the account when it is completed. "other" changes
# nothing but its result and notes (the city's own kinds of trips).
WORK_KINDS = [
    ("connect", "Connect"),
    ("disconnect", "Disconnect for Non-Payment"),
    ("reconnect", "Reconnect"),
    ("check_read", "Check Read / Re-read"),
    ("final_read", "Final Read"),
    ("opening_read", "Opening Read"),
    ("bench_test", "Meter Bench Test"),
    ("meter_exchange", "Meter Exchange"),
    ("repair", "Repair"),
    ("leak", "Leak Investigation"),
    ("cart_delivery", "Garbage Cart Delivery"),
    ("cart_pickup", "Garbage Cart Pickup"),
    ("cart_exchange", "Garbage Cart Exchange"),
    ("door_hanger", "Door Hanger"),
    ("other", "Other"),
]
# Fees a completed order may bill (codes of the fee schedule's fee lines).
WORK_FEES = [
    ("reconnect", "Reconnect (by the time it was done)"),
    ("door_hanger", "Door Hanger"),
]


class FsmOrderType(models.Model):
    """Field service order types are the city's kinds of work orders.

    Each says what the crew must capture to complete it (``capture_*``) and what
    completing it does (``utility_kind``); the city adds its own kinds as
    ``other`` (result and notes only).
    """

    _inherit = "fsm.order.type"

    utility_kind = fields.Selection(
        WORK_KINDS,
        string="Does on Completion",
        help="What completing an order of this type does to the account; empty for "
        "field service orders outside the utility.",
    )
    instructions = fields.Text(
        translate=True, help="What the crew does, printed on the route sheet and the order."
    )
    capture_reading = fields.Boolean(
        string="Reading Required", help="The crew enters the meter reading and checks the dials."
    )
    capture_photo = fields.Boolean(string="Photo Required")
    capture_meter_removed = fields.Boolean(
        string="Removed Meter Required", help="The meter taken out and its last reading."
    )
    capture_meter_installed = fields.Boolean(
        string="Installed Meter Required", help="The meter put in and its first reading."
    )
    capture_carts = fields.Boolean(
        string="Carts Required", help="The number and size of carts left at the premise."
    )
    capture_test = fields.Boolean(
        string="Bench Test Required", help="Accuracy at low, mid and high flow."
    )
    fee_code = fields.Selection(
        WORK_FEES,
        string="Fee",
        help="Fee billed on the account when the order is completed, from the company's "
        "field service fee schedule.",
    )
    default_priority = fields.Selection(
        [("0", "Normal"), ("1", "Low"), ("2", "High"), ("3", "Urgent")], default="0"
    )
