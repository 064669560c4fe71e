# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class UtilityMeter(models.Model):
    """A meter is field service equipment once a crew works on it."""

    _inherit = "utility.meter"  # pylint: disable=consider-merging-classes-inherited

    fsm_equipment_id = fields.Many2one(
        "fsm.equipment",
        string="Field Service Equipment",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    work_order_ids = fields.One2many("utility.work.order", "meter_id", string="Work Orders")

    def _get_fsm_equipments(self, locations):
        """{meter: fsm.equipment}, creating the missing ones in one ``create``.

        :param locations: {premise: fsm.location} where the meters are
        """
        missing = self.filtered(lambda m: not m.fsm_equipment_id)
        if missing:
            equipments = (
                self.env["fsm.equipment"]
                .sudo()
                .with_context(mail_create_nolog=True, tracking_disable=True)
                .create(
                    [
                        {
                            "name": meter.name,
                            "location_id": locations.get(meter.location_id, False)
                            and locations[meter.location_id].id,
                            "company_id": meter.company_id.id or self.env.company.id,
                        }
                        for meter in missing
                    ]
                )
            )
            for meter, equipment in zip(missing, equipments, strict=True):
                meter.sudo().fsm_equipment_id = equipment
        return {meter: meter.fsm_equipment_id for meter in self}

    def action_order_bench_test(self):
        return self._create_work_order("bench_test")

    def action_order_exchange(self):
        return self._create_work_order("meter_exchange")

    def _create_work_order(self, kind):
        self.ensure_one()
        order = self.env["utility.work.order"]._create_for(kind, self)
        return order._get_form_action()
