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
* :meth:`_bulk_insert` puts them together for a model with plain columns;
* whether a writer may go around the ORM at all (:meth:`_can_bypass_orm`): the
  company setting, and no module outside :data:`VERIFIED_MODULES` overriding
  a method the writer does the work of without calling it.
"""

import io
import json
import logging
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from odoo import api, fields, models, tools
from odoo.tools import float_round

_logger = logging.getLogger(__name__)

# The Odoo source the writers' equivalence tests (test_move_writer,
# test_payment_writer, test_billing_run, test_special_bills: same input
# through the writer and through Odoo's own path, every stored column
# compared) last passed on, alone and next to the apps a city runs (CITY_APPS
# in ``ub``: ``./ub test`` runs them on such a database too). Run them again
# after updating Odoo.
ODOO_VERIFIED_REVISION = "Odoo 18.0 FINAL, github.com/hlaadhari/odoo-18.0 commit 1b5d1564"
# Modules whose overrides of the methods the writers skip (see each writer's
# ``_get_skipped_methods``) were read on ODOO_VERIFIED_REVISION and leave the
# rows of a utility bill (tax-free customer invoice of service products, no
# sale order, no stock move) and of a payment entry and its reconciliation as
# they are; the equivalence tests pass with them installed. Any other module
# overriding one of those methods sends the writes through the ORM.
VERIFIED_MODULES = frozenset(
    {
        None,  # odoo.models.BaseModel
        "base",
        "mail",
        "account",
        "utility_billing",
        # analytic.mixin: create / write normalize a given analytic_distribution
        # (invoices with one take the ORM), _compute_analytic_distribution is
        # the mixin's empty default.
        "analytic",
        # sms: message_post reformats SMS messages only.
        "sms",
        # The apps of CITY_APPS in ``ub`` (read, and the equivalence tests pass
        # with them installed):
        # sale: _post reconciles payments of the invoice's payment transactions
        # (a utility bill has none), action_post updates down-payment lines of
        # sale orders (none).
        "sale",
        # sale_stock, purchase_stock: delivery date and incoterm location from
        # the sale / purchase orders of the lines (none); purchase_stock._post
        # values vendor bills (in_*) only.
        "sale_stock",
        "purchase_stock",
        # purchase: create / write post a message about the purchase orders of
        # the lines (none).
        "purchase",
        # stock_account: _post adds cost of goods sold lines for storable
        # products valued in real time, and _compute_account_id changes vendor
        # bill lines of such products; a bill with a product that is not a
        # service takes the ORM (utility.move.writer._split_fast_invoices).
        "stock_account",
        # point_of_sale: POS closing entries only (pos_session_ids,
        # reversed_pos_order_id).
        "point_of_sale",
        # hr_expense: expense sheets paid by the employee, expense lines only.
        "hr_expense",
    }
)


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
    # When the SQL may go around the ORM
    # ------------------------------------------------------------------
    @api.model
    def _can_bypass_orm(self, writer, companies):
        """Whether ``writer`` (model name) may write with SQL for ``companies``:
        the fast writers are on for all of them (company setting), and no
        module outside VERIFIED_MODULES overrides what the writer skips."""
        if not all(companies.mapped("utility_fast_writers")):
            return False
        return not self._get_foreign_overrides(writer)

    @api.model
    @tools.ormcache("writer")
    def _get_foreign_overrides(self, writer):
        """(model, method, module) of every override of a method ``writer``
        does the work of without calling it, by a module outside
        VERIFIED_MODULES. Computed once per registry (installing a module
        builds a new one); found overrides are logged once, as a warning."""
        found = []
        for model_name, methods in self.env[writer]._get_skipped_methods().items():
            if model_name not in self.env:
                continue
            for klass in type(self.env[model_name]).__mro__:
                # The classes modules define (and BaseModel) say which module
                # they come from; the registry's own class of the model holds no
                # method of a module (only what a test may patch on it).
                if "_module" not in vars(klass):
                    continue
                module = klass._module
                if module in VERIFIED_MODULES:
                    continue
                found += [
                    (model_name, method, module)
                    for method in sorted(methods)
                    if method in vars(klass)
                ]
        if found:
            _logger.warning(
                "%s writes through the ORM: %s, which it would skip, %s overridden outside "
                "the modules verified on %s (%s).",
                writer,
                ", ".join(sorted({f"{model}.{method}" for model, method, _module in found})),
                "is" if len(found) == 1 else "are",
                ODOO_VERIFIED_REVISION,
                ", ".join(sorted({str(module) for _model, _method, module in found})),
            )
        return tuple(found)

    @api.model
    def _get_compute_methods(self, model_name, fnames):
        """Names of the compute methods of the stored fields ``fnames``."""
        model = self.env[model_name]
        return {
            model._fields[fname].compute
            for fname in fnames
            if fname in model._fields
            and isinstance(model._fields[fname].compute, str)
            and not model._fields[fname].related
        }

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
