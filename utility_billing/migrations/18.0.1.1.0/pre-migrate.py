# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter sizes, cart sizes and customer classes become configuration records.

Before the ORM turns the old selection columns into links (it would cast
"1" or "2" to a record id), keep each key in a saved column; post-migrate
links the rows to the entries of those codes.
"""

from odoo.tools import SQL, sql

from odoo.addons.utility_billing.models.utility_coded_mixin import (
    SELECTION_COLUMNS,
    TRANSIENT_SELECTION_COLUMNS,
    saved_column,
)


def _is_text(cr, table, column):
    cr.execute(
        """
        SELECT data_type FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s
        """,
        [table, column],
    )
    row = cr.fetchone()
    return bool(row) and row[0] in ("character varying", "text")


def _drop_selection_values(cr, columns):
    """Forget the old selection values of the converted fields: Odoo would
    otherwise delete them at the end of the upgrade through the field's
    ``ondelete``, which is now the link's ("restrict"), and fail."""
    pairs = [(table.replace("_", "."), column) for table, column in columns]
    cr.execute(
        """
        SELECT s.id FROM ir_model_fields_selection s
          JOIN ir_model_fields f ON f.id = s.field_id
         WHERE (f.model, f.name) IN %s
        """,
        [tuple(pairs)],
    )
    ids = [row[0] for row in cr.fetchall()]
    if ids:
        cr.execute(
            "DELETE FROM ir_model_data WHERE model = 'ir.model.fields.selection' AND res_id IN %s",
            [tuple(ids)],
        )
        cr.execute("DELETE FROM ir_model_fields_selection WHERE id IN %s", [tuple(ids)])


def migrate(cr, version):
    if not version:
        return
    _drop_selection_values(
        cr,
        [(table, column) for table, column, _model in SELECTION_COLUMNS]
        + TRANSIENT_SELECTION_COLUMNS,
    )
    for table, column, _model in SELECTION_COLUMNS:
        if _is_text(cr, table, column) and not sql.column_exists(cr, table, saved_column(column)):
            sql.rename_column(cr, table, column, saved_column(column))
    for table, column in TRANSIENT_SELECTION_COLUMNS:
        if _is_text(cr, table, column):
            cr.execute(
                SQL(
                    "ALTER TABLE %s DROP COLUMN %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                )
            )
