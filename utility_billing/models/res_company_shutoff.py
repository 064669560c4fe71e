# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    """The city's shut-off rules: who may be shut off, on which days, and what a
    low-income household pays to be reconnected."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Who may be shut off
    utility_shutoff_min_balance = fields.Monetary(
        string="Shut-off Minimum Balance",
        currency_field="currency_id",
        help="Only accounts owing more than this past due go on the shut-off list "
        "(Mount Orab, OH: in excess of $25.00).",
    )
    utility_shutoff_min_days = fields.Integer(
        string="Shut-off Minimum Days Past Due",
        help="Only accounts whose oldest unpaid bill has been past due at least this many "
        "days on the shut-off date go on the list (California, SB 998: 60 days).",
    )
    # On which days (the shut-off calendar adds the city's own days)
    utility_shutoff_no_friday = fields.Boolean(
        string="No Shut-offs on Fridays",
        default=True,
        help="Philadelphia Code 13-901: no shut-off on Fridays, weekends, holidays or the "
        "day before a holiday.",
    )
    utility_shutoff_no_weekend = fields.Boolean(string="No Shut-offs on Weekends", default=True)
    utility_shutoff_no_holiday_eve = fields.Boolean(
        string="No Shut-offs the Day Before a Holiday", default=True
    )
    utility_shutoff_temp_high = fields.Float(
        string="Too Hot at (°F)",
        default=95.0,
        help="A forecast at or above this stops shut-offs that day (Maryland: 95°F).",
    )
    utility_shutoff_temp_low = fields.Float(
        string="Too Cold at (°F)",
        default=32.0,
        help="A forecast at or below this stops shut-offs that day (Maryland: 32°F).",
    )
    # Medical certificates
    utility_medical_reminder_days = fields.Integer(
        string="Certificate Reminder (Days Before Expiry)",
        default=14,
        help="The daily check asks a clerk to request the renewal this many days before a "
        "medical certificate expires.",
    )
    utility_medical_max_renewals = fields.Integer(
        string="Certificate Renewals Allowed",
        default=0,
        help="How many times a certificate may be renewed in a row (Chatham, IL: once); "
        "0 for no limit.",
    )
    # Reconnect fee caps
    utility_reconnect_cap_low_income = fields.Monetary(
        string="Low-Income Reconnect Fee Cap",
        currency_field="currency_id",
        help="Most a low-income account pays for a reconnect during business hours "
        "(California Health and Safety Code 116914: $50). Empty for no cap.",
    )
    utility_reconnect_cap_low_income_after_hours = fields.Monetary(
        string="Low-Income Reconnect Fee Cap After Hours",
        currency_field="currency_id",
        help="Most a low-income account pays for a reconnect after hours, on a weekend or "
        "a holiday (California: $150). Empty for no cap.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    utility_shutoff_min_balance = fields.Monetary(
        related="company_id.utility_shutoff_min_balance", readonly=False
    )
    utility_shutoff_min_days = fields.Integer(
        related="company_id.utility_shutoff_min_days", readonly=False
    )
    utility_shutoff_no_friday = fields.Boolean(
        related="company_id.utility_shutoff_no_friday", readonly=False
    )
    utility_shutoff_no_weekend = fields.Boolean(
        related="company_id.utility_shutoff_no_weekend", readonly=False
    )
    utility_shutoff_no_holiday_eve = fields.Boolean(
        related="company_id.utility_shutoff_no_holiday_eve", readonly=False
    )
    utility_shutoff_temp_high = fields.Float(
        related="company_id.utility_shutoff_temp_high", readonly=False
    )
    utility_shutoff_temp_low = fields.Float(
        related="company_id.utility_shutoff_temp_low", readonly=False
    )
    utility_medical_reminder_days = fields.Integer(
        related="company_id.utility_medical_reminder_days", readonly=False
    )
    utility_medical_max_renewals = fields.Integer(
        related="company_id.utility_medical_max_renewals", readonly=False
    )
    utility_reconnect_cap_low_income = fields.Monetary(
        related="company_id.utility_reconnect_cap_low_income", readonly=False
    )
    utility_reconnect_cap_low_income_after_hours = fields.Monetary(
        related="company_id.utility_reconnect_cap_low_income_after_hours", readonly=False
    )
