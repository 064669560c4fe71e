# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL, sql

# The stored fields that were fixed selections before version 18.0.1.1.0 and
# are now links to these lists: (table, column, model of the list). The
# upgrade keeps each old key in a saved column (pre-migrate) and links the row
# to the entry of that code (post-migrate, :meth:`_migrate_selection_columns`).
SELECTION_COLUMNS = [
    ("utility_service_location", "customer_class", "utility.customer.class"),
    ("utility_account", "customer_class", "utility.customer.class"),
    ("utility_rate_line", "customer_class", "utility.customer.class"),
    ("utility_rate_line", "meter_size", "utility.meter.size"),
    ("utility_rate_line", "cart_size", "utility.cart.size"),
    ("utility_deposit_rule", "customer_class", "utility.customer.class"),
    ("utility_deposit_rule_line", "meter_size", "utility.meter.size"),
    ("utility_late_fee_rule", "customer_class", "utility.customer.class"),
    ("utility_billing_run_line", "customer_class", "utility.customer.class"),
    ("utility_delinquency_run_line", "customer_class", "utility.customer.class"),
    ("utility_meter", "size", "utility.meter.size"),
    ("utility_account_service", "cart_size", "utility.cart.size"),
    ("utility_work_order", "cart_size_done", "utility.cart.size"),
    ("utility_rate_whatif_revenue", "customer_class", "utility.customer.class"),
    ("utility_rate_whatif_bill", "customer_class", "utility.customer.class"),
    ("utility_service_cart_change", "cart_size", "utility.cart.size"),
    ("utility_service_cart_change", "previous_cart_size", "utility.cart.size"),
    ("utility_shutoff_line", "customer_class", "utility.customer.class"),
]
# Wizards' tables: their rows are scratch, the old columns are dropped.
TRANSIENT_SELECTION_COLUMNS = [
    ("utility_rate_calculator", "customer_class"),
    ("utility_rate_calculator", "meter_size"),
    ("utility_rate_calculator", "cart_size"),
    ("utility_account_move_in_line", "cart_size"),
]


def saved_column(column):
    """Name of the column keeping the old selection key during the upgrade."""
    return f"{column}_selection_v1"


class UtilityCodedMixin(models.AbstractModel):
    """A configuration list a supervisor keeps (meter sizes, cart sizes,
    customer classes): a name the clerks read and a stable code the rates,
    files and the rating library match on.

    The code is unique across the database so a rate line, an import file or a
    migration finds one record for it; a record is archived, not deleted, once
    it is in use.
    """

    _name = "utility.coded.mixin"
    _description = "Utility Configuration Record with a Code"
    _inherit = ["mail.thread"]
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Stable key the rate lines, files and reports match on (e.g. 5/8, 96, "
        "residential). Changing it does not change the records that use this entry.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the entry between companies.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "This code is used by another entry already."),
        ("code_trim", "CHECK(code = btrim(code) AND code <> '')", "The code cannot be blank."),
    ]

    @api.model
    def _get_by_code(self, codes):
        """Entries of ``codes``, archived ones included (a migration or an old
        record may still name them): one query.

        :param codes: iterable of codes
        :return: dict code -> record
        """
        domain = [("code", "in", list(set(codes)))]
        records = self.with_context(active_test=False).search(domain)
        return {record.code: record for record in records}

    @api.model
    def _default_code(self, code):
        """The active entry of ``code`` (empty when a supervisor archived it):
        the default of the fields that had a fixed default before the list
        became configurable."""
        return self.search([("code", "=", code)], limit=1)

    @api.model
    def _prepare_migrated_vals(self, code):
        """Values of an entry created for an old key no entry has (a key
        another module added to the old selection)."""
        return {"code": code, "name": code}

    @api.model
    def _migrate_selection_columns(self, columns=None):
        """Link the rows of an upgraded database to the entries of their old
        selection keys, then drop the saved keys (post-migrate of 18.0.1.1.0).

        One UPDATE per column; a key without an entry gets one (named after its
        code) so no row loses its value.

        :param columns: (table, column, model) triples, default every
            :data:`SELECTION_COLUMNS`
        :return: dict (table, column) -> number of rows linked
        """
        cr = self.env.cr
        linked = {}
        for table, column, model_name in columns or SELECTION_COLUMNS:
            saved = saved_column(column)
            if not sql.column_exists(cr, table, saved):
                continue
            cr.execute(
                SQL(
                    "SELECT DISTINCT %(saved)s FROM %(table)s WHERE %(saved)s <> ''",
                    saved=SQL.identifier(saved),
                    table=SQL.identifier(table),
                )
            )
            codes = [code for (code,) in cr.fetchall()]
            List = self.env[model_name].sudo()
            found = List._get_by_code(codes)
            missing = [code for code in codes if code not in found]
            if missing:
                List.create([List._prepare_migrated_vals(code) for code in missing])
                List.flush_model()
            cr.execute(
                SQL(
                    """
                    UPDATE %(table)s AS t SET %(column)s = e.id
                      FROM %(list)s AS e
                     WHERE e.code = t.%(saved)s
                    """,
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    list=SQL.identifier(List._table),
                    saved=SQL.identifier(saved),
                )
            )
            linked[(table, column)] = cr.rowcount
            cr.execute(
                SQL(
                    "ALTER TABLE %(table)s DROP COLUMN %(saved)s",
                    table=SQL.identifier(table),
                    saved=SQL.identifier(saved),
                )
            )
        self.env.invalidate_all()
        return linked
