# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class UtilityCustomerClass(models.Model):
    """A customer class of the city's rate ordinance (residential,
    multifamily, small commercial...): premises carry one, rate lines, deposit
    and late fee rules may be limited to one."""

    _name = "utility.customer.class"
    _description = "Utility Customer Class"
    _inherit = ["utility.coded.mixin"]
    _order = "sequence, id"
