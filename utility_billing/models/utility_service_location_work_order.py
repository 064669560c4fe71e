# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class UtilityServiceLocation(models.Model):
    """A premise is a field service location once a crew is sent there."""

    _inherit = "utility.service.location"  # pylint: disable=consider-merging-classes-inherited

    fsm_location_id = fields.Many2one(
        "fsm.location",
        string="Field Service Location",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Created with the premise's first work order.",
    )
    work_order_ids = fields.One2many("utility.work.order", "premise_id", string="Work Orders")
    work_order_count = fields.Integer(compute="_compute_work_order_count")

    @api.depends("work_order_ids")
    def _compute_work_order_count(self):
        counts = dict(
            self.env["utility.work.order"]._read_group(
                [("premise_id", "in", self.ids)], ["premise_id"], ["__count"]
            )
        )
        for premise in self:
            premise.work_order_count = counts.get(premise, 0)

    def _get_fsm_locations(self):
        """{premise: fsm.location}, creating the missing locations in one ``create``.

        A field service location is a contact (``_inherits res.partner``): it is
        made only for premises a crew visits, not for every premise of the city.
        """
        missing = self.filtered(lambda p: not p.fsm_location_id)
        if missing:
            company_partner = self.env.company.partner_id
            locations = (
                self.env["fsm.location"]
                .sudo()
                .with_context(mail_create_nolog=True, tracking_disable=True)
                .create(
                    [
                        {
                            "name": premise.name,
                            "street": premise.street,
                            "street2": premise.street2,
                            "city": premise.city,
                            "zip": premise.zip,
                            "state_id": premise.state_id.id,
                            "country_id": premise.country_id.id,
                            "partner_latitude": premise.latitude,
                            "partner_longitude": premise.longitude,
                            "owner_id": (premise.owner_id or company_partner).id,
                            "company_id": premise.company_id.id,
                        }
                        for premise in missing
                    ]
                )
            )
            for premise, location in zip(missing, locations, strict=True):
                premise.sudo().fsm_location_id = location
        return {premise: premise.fsm_location_id for premise in self}

    def action_view_work_orders(self):
        self.ensure_one()
        return self.env["utility.work.order"]._get_list_action(
            [("premise_id", "=", self.id)],
            {"default_premise_id": self.id, "default_account_id": self.current_account_id.id},
        )
