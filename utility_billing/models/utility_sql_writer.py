# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The SQL that goes around the ORM, in one place.

The bulk writers (invoices of a billing run, payment files, the run's own
lines and charges, billed service periods, payment allocations) insert rows
with ``COPY`` instead of ``create``. What that takes, and what the ORM must
be told afterwards, is here and nowhere else:

* ids reserved from the table's own sequence (:meth:`_reserve_ids`), rows
  written with ``COPY`` (:meth:`_copy_rows`) or ``INSERT ... RETURNING``
  (:meth:`_insert_rows`);
* each value converted to what ``create`` would store (:meth:`_column_converter`:
  decimal precision, currency rounding, sanitizing, translations);
* the recompute bookkeeping: the caches to drop (:meth:`_forget_inserted`), the
  values just written put in the cache (:meth:`_cache_written_relations`),
  what depends on the new rows marked, the new rows' own fields not
  recomputed, and the stored computed fields of other modules handed to the
  ORM (:meth:`_mark_inserted`);
* :meth:`_bulk_insert` puts them together for a model with plain columns.
"""

import io
import json
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from odoo import api, fields, models, tools
from odoo.tools import float_round


def _copy_text(value):
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "adapted"):  # psycopg2 Json
        value = json.dumps(value.adapted)
    elif isinstance(value, (dict, list)):
        value = json.dumps(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class UtilitySqlWriter(models.AbstractModel):
    _name = "utility.sql.writer"
    _description = "Bulk SQL writes of the utility billing"

    # ------------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------------
    @api.model
    def _reserve_ids(self, table, count):
        """Ids from the table's own sequence, in one query, so rows can be COPied."""
        if not count:
            return []
        self.env.cr.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _copy_rows(self, table, columns, rows):
        """COPY rows (tuples in ``columns`` order) into ``table``."""
        if not rows:
            return
        buffer = io.StringIO()
        write = buffer.write
        for row in rows:
            write("\t".join(map(_copy_text, row)))
            write("\n")
        buffer.seek(0)
        cr = self.env.cr
        cr._obj.copy_expert(
            'COPY "{}" ({}) FROM STDIN'.format(table, ", ".join(f'"{c}"' for c in columns)), buffer
        )
        # Count it like any other statement (assertQueryCount, profiling).
        cr.sql_log_count += 1

    @api.model
    def _insert_rows(self, table, columns, rows):
        """INSERT rows (tuples in ``columns`` order); return their ids, in order."""
        query = 'INSERT INTO "{}" ({}) VALUES %s RETURNING id'.format(
            table, ", ".join(f'"{c}"' for c in columns)
        )
        result = self.env.cr.execute_values(query, rows, page_size=len(rows), fetch=True)
        return [row[0] for row in result]

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------
    @api.model
    def _column_converter(self, model, fname, converters, currency=None):
        """Function giving the column value ``create`` would store for a value
        of field ``fname``, built once per field and kept in ``converters``.

        Floats are rounded to their decimal precision (a ``Decimal`` stays one,
        rounded half-up, so exact amounts reach the column exactly), Monetary
        to ``currency`` when given; strings, selections and HTML go through the
        field's own conversion (validation, sanitizing, translations).
        """
        field = model._fields[fname]
        key = (field, currency)
        if key in converters:
            return converters[key]

        def rounded(precision):
            quantum = Decimal(1).scaleb(-precision)

            def convert(value):
                if isinstance(value, Decimal):
                    return value.quantize(quantum, ROUND_HALF_UP)
                return float_round(float(value or 0.0), precision_digits=precision)

            return convert

        digits = field.get_digits(self.env) if field.type == "float" else None
        if field.type == "many2one":

            def convert(value):
                return value.id if isinstance(value, models.BaseModel) else (value or None)

        elif field.type == "monetary" and currency:
            convert = rounded(currency.decimal_places)
        elif digits and digits[1] is not None:
            convert = rounded(digits[1])
        elif field.type == "float":

            def convert(value):
                return value if isinstance(value, Decimal) else float(value or 0.0)

        elif field.type == "date":
            convert = fields.Date.to_date
        elif field.type == "integer":

            def convert(value):
                return int(value or 0)

        elif field.type == "boolean":
            convert = bool
        else:

            def convert(value):
                return field.convert_to_column_insert(field.convert_to_cache(value, model), model)

        converters[key] = convert
        return convert

    # ------------------------------------------------------------------
    # What the ORM must be told
    # ------------------------------------------------------------------
    @api.model
    @tools.ormcache("model_name")
    def _get_inverse_x2many(self, model_name):
        """(model, fields) of the registry's one2many / many2many to ``model_name``."""
        result = []
        for other_name, other in self.env.registry.items():
            fnames = tuple(
                fname
                for fname, field in other._fields.items()
                if field.type in ("one2many", "many2many") and field.comodel_name == model_name
            )
            if fnames and not other._abstract:
                result.append((other_name, fnames))
        return tuple(result)

    @api.model
    def _forget_inserted(self, model_names):
        """Drop what the ORM may hold about rows it did not write: the models'
        caches, and the x2many lists of the records that may list them."""
        for model_name in model_names:
            self.env[model_name].invalidate_model()
            for other_name, fnames in self._get_inverse_x2many(model_name):
                self.env[other_name].invalidate_model(list(fnames))

    @api.model
    def _cache_written_relations(self, records, columns, rows, new_one2many_empty=False):
        """Put the many2one values of rows just written for ``records`` in the cache.

        :param rows: dicts by column, or tuples in ``columns`` order, aligned
            with ``records``
        :param new_one2many_empty: also cache the records' one2many fields as
            empty (true of rows nothing has had the time to reference)
        """
        cache = self.env.cache
        for index, column in enumerate(columns):
            field = records._fields.get(column)
            if not field or field.type != "many2one" or not field.store or field.company_dependent:
                continue
            if rows and isinstance(rows[0], dict):
                values = [row.get(column) or None for row in rows]
            else:
                values = [row[index] or None for row in rows]
            cache.update(records, field, values)
        if new_one2many_empty:
            for field in records._fields.values():
                if field.type == "one2many":
                    cache.update(records, field, [()] * len(records))

    @api.model
    def _mark_inserted(self, inserted, before=False):
        """What ``create`` would leave to compute after rows written with SQL.

        The stored fields of other records depending on the new ones are
        marked; the new records' own fields are complete (written as computed)
        and are not recomputed, except the stored computed fields the writer
        does not know (added by other modules), which the ORM computes.

        :param inserted: list of (records, field names whose new values can
            trigger recomputations, field names the ORM must compute)
        :param before: mark after the dependency walk (``modified(before=True)``),
            so nothing of the new records is computed while the ORM walks
        """
        for records, trigger_fnames, _to_compute in inserted:
            records.modified(trigger_fnames, create=True, before=before)
        own = {}
        for records, _trigger, _to_compute in inserted:
            own.setdefault(records._name, set()).update(records.ids)
        tocompute = self.env.transaction.tocompute
        for field in list(tocompute):
            if field.model_name in own:
                tocompute[field] -= own[field.model_name]
                if not tocompute[field]:
                    del tocompute[field]
        for records, _trigger, to_compute in inserted:
            for fname in to_compute:
                self.env.add_to_compute(records._fields[fname], records)

    @api.model
    def _get_unknown_computed(self, model_name, known):
        """Stored computed fields of ``model_name`` outside ``known`` (added by
        other modules): the ORM computes them on rows written with SQL."""
        return [
            fname
            for fname, field in self.env[model_name]._fields.items()
            if field.store and field.compute and fname not in known
        ]

    # ------------------------------------------------------------------
    # All of it
    # ------------------------------------------------------------------
    @api.model
    def _bulk_insert(self, model_name, vals_list, currency=None):
        """Insert records of ``model_name`` with one COPY; return them.

        What ``create`` would store: ids from the table's sequence, every
        stored field converted and rounded as the ORM does (Float digits,
        Monetary in ``currency``, default the company's), defaults for the
        stored fields not given, create/write uid and date; stored computed
        fields not given (added by other modules) are handed to the ORM to
        compute. The caller gives the stored related fields and checks
        access; no record refers to the new rows yet.

        :param vals_list: dicts with the same keys (stored columns, no x2many)
        """
        Model = self.env[model_name]
        if not vals_list:
            return Model
        given = list(vals_list[0])
        converters = {}
        currency = currency or self.env.company.currency_id
        convert = [self._column_converter(Model, fname, converters, currency) for fname in given]
        missing = [
            field
            for fname, field in Model._fields.items()
            if field.store
            and field.column_type
            and fname not in given
            and fname not in models.MAGIC_COLUMNS
            and fname not in models.LOG_ACCESS_COLUMNS
        ]
        to_compute = [field.name for field in missing if field.compute]
        defaults = Model.default_get([field.name for field in missing if not field.compute])
        constant = {
            fname: Model._fields[fname].convert_to_column(value, Model)
            for fname, value in defaults.items()
            if Model._fields[fname].store and Model._fields[fname].column_type
        }
        now = self.env.cr.now()
        if Model._log_access:
            constant.update(create_uid=self.env.uid, write_uid=self.env.uid)
            constant.update(create_date=now, write_date=now)
        ids = self._reserve_ids(Model._table, len(vals_list))
        tail = tuple(constant.values())
        self._copy_rows(
            Model._table,
            ["id", *given, *constant],
            [
                (
                    record_id,
                    *(conv(vals[fname]) for fname, conv in zip(given, convert, strict=True)),
                    *tail,
                )
                for record_id, vals in zip(ids, vals_list, strict=True)
            ],
        )
        records = Model.browse(ids)
        self._forget_inserted([model_name])
        # Marks what depends on the new rows elsewhere (the run's progress...);
        # their own stored related fields were given and must not be recomputed.
        self._mark_inserted([(records, given, to_compute)])
        return records
