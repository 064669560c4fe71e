# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bulk writer of posted utility invoices.

A billing run posts thousands of customer invoices. Creating them through
``account.move.create`` + ``action_post`` costs tens of milliseconds each
(dynamic line synchronisation, one savepoint per partner rank, per-record
computes). :meth:`utility.move.writer._create_posted_invoices` writes the same
rows with a constant number of SQL statements per chunk, and keeps everything
that makes them invoices:

* gapless numbering shared with Odoo's ``sequence.mixin``: the first number of
  every sequence is taken with Odoo's own ``_locked_increment`` (unique index
  lock, retried across concurrent transactions), the following ones from the
  same per-transaction cache, so invoices posted later through the ORM continue
  the numbering, and a rolled back transaction consumes nothing;
* lock dates (an invoice dated in a locked period is accounted on the first
  open date, as ``_post`` does), the inalterability hash chain of
  journals with ``restrict_mode_hash_table`` (computed with Odoo's
  ``_calculate_hashes``), amounts and residuals computed with Odoo's float
  rounding, payment state, partner ranks, followers and the creation message;
* every stored column of ``account.move`` / ``account.move.line`` gets the value
  the standard path gives it; stored computed fields added by other modules are
  handed to the ORM to compute.

Taxes (``tax_ids`` on a line) are computed with Odoo's own tax engine, in the
order ``account.move`` runs it (``_add_tax_details_in_base_lines``,
``_round_base_lines_tax_details`` with the company's rounding method,
``_add_accounting_data_in_base_lines_tax_details``, ``_prepare_tax_lines``):
the tax lines, the base lines' tags and the amounts are the ones ``create`` +
``action_post`` write. The caller gives the taxes already mapped by the fiscal
position, as ``create`` takes explicit ``tax_ids`` as they are.

Invoices the fast path does not cover (cash-basis taxes, foreign currency,
payment terms, analytic distribution, discounts, cash rounding, other move
types) are created and posted through the standard ORM path, invoice by
invoice, with the same values: the caller does not have to care.
"""

import itertools
import re
from collections import defaultdict
from textwrap import shorten

from markupsafe import Markup, escape

from odoo import Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round, is_html_empty
from odoo.tools.mail import generate_tracking_message_id

# Keys of an invoice dict that are not account.move fields.
_INVOICE_KEYS = {"lines"}
# account.move fields the caller may not set: the writer owns them.
_MOVE_FORBIDDEN = {
    "id", "name", "state", "posted_before", "sequence_prefix", "sequence_number",
    "inalterable_hash", "secure_sequence_number", "payment_state", "company_id",
    "commercial_partner_id", "made_sequence_gap", "is_storno", "always_tax_exigible",
    "invoice_currency_rate", "auto_post", "auto_post_until", "is_manually_modified",
    "create_uid", "create_date", "write_uid", "write_date",
}  # fmt: skip
# account.move.line fields the caller may not set on an invoice line.
_LINE_FORBIDDEN = {
    "id", "move_id", "display_type", "balance", "debit", "credit", "amount_currency",
    "amount_residual", "amount_residual_currency", "reconciled", "full_reconcile_id",
    "matching_number", "price_subtotal", "price_total", "currency_id", "partner_id",
    "date_maturity", "tax_line_id", "tax_repartition_line_id", "tax_tag_ids",
    "tax_tag_invert", "create_uid", "create_date", "write_uid", "write_date",
}  # fmt: skip
# Values that send an invoice to the standard ORM path when set.
_MOVE_FALLBACK_KEYS = ("invoice_payment_term_id", "invoice_cash_rounding_id")
_LINE_FALLBACK_KEYS = ("discount", "analytic_distribution")

# Columns of account.move the fast path computes itself (see _prepare_move_row).
_MOVE_COMPUTED = {
    "id", "name", "sequence_prefix", "sequence_number", "state", "move_type", "posted_before",
    "journal_id", "company_id", "currency_id", "partner_id", "commercial_partner_id",
    "partner_shipping_id", "fiscal_position_id", "invoice_user_id", "invoice_partner_display_name",
    "preferred_payment_method_line_id", "partner_bank_id", "invoice_incoterm_id", "narration",
    "payment_reference", "date", "invoice_date", "invoice_date_due", "invoice_currency_rate",
    "invoice_payment_term_id", "amount_untaxed", "amount_tax", "amount_total", "amount_residual",
    "amount_untaxed_signed", "amount_untaxed_in_currency_signed", "amount_tax_signed",
    "amount_total_signed", "amount_total_in_currency_signed", "amount_residual_signed",
    "payment_state", "is_storno", "always_tax_exigible", "checked", "made_sequence_gap",
    "is_manually_modified", "auto_post", "auto_post_until", "delivery_date", "incoterm_location",
    "inalterable_hash", "secure_sequence_number", "create_uid", "create_date", "write_uid",
    "write_date",
}  # fmt: skip
# Columns of account.move.line the fast path computes itself (see _prepare_line_rows).
_LINE_COMPUTED = {
    "id", "move_id", "journal_id", "company_id", "company_currency_id", "currency_id",
    "account_id", "partner_id", "product_id", "product_uom_id", "name", "display_type",
    "sequence", "date", "invoice_date", "move_name", "parent_state", "ref", "date_maturity",
    "debit", "credit", "balance", "amount_currency", "amount_residual", "amount_residual_currency",
    "quantity", "price_unit", "price_subtotal", "price_total", "discount",
    "discount_amount_currency", "discount_balance", "tax_tag_invert", "reconciled",
    "analytic_distribution", "utility_account_id", "statement_id", "tax_group_id", "tax_line_id",
    "tax_base_amount", "tax_repartition_line_id", "group_tax_id",
    "create_uid", "create_date", "write_uid", "write_date",
}  # fmt: skip


class UtilityMoveWriter(models.AbstractModel):
    _name = "utility.move.writer"
    _description = "Bulk writer of posted utility invoices"

    # Invoices per round of SQL statements: bounds memory and the ORM prefetch.
    _chunk_size = 1000

    # ------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------
    @api.model
    def _create_posted_invoices(self, invoice_vals_list, chunk_size=None):
        """Create and post customer invoices, fast, with Odoo's exact results.

        :param invoice_vals_list: iterable of dicts, one per invoice::

            {"partner_id", "journal_id", "invoice_date", "invoice_date_due",
             "date" (default invoice_date), "utility_account_id", "currency_id",
             "ref", "narration", "payment_reference", "invoice_origin",
             any other settable stored field of account.move (utility_*...),
             "lines": [{"name", "product_id", "account_id", "quantity"
                        (default 1), "price_unit", "tax_ids" (ids), any other
                        settable stored field of account.move.line}]}

        :param chunk_size: invoices written per round of statements.
        :return: the posted ``account.move`` records, in input order.
        :raise UserError: listing every invalid invoice; nothing is written
            for the chunk holding them (nor for any when given a list).
        """
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("You don't have the access rights to post an invoice."))
        self.env["account.move"].check_access("create")
        chunk_size = chunk_size or self._chunk_size
        # The rows refer to records the caller may have just created.
        self.env.flush_all()
        validated = isinstance(invoice_vals_list, (list, tuple))
        if validated and not invoice_vals_list:
            return self.env["account.move"]
        if validated:
            # Whole input first, so a bad invoice in the last chunk writes nothing.
            self._check_invoice_vals(invoice_vals_list)
            invoice_vals_list = self._apply_lock_dates(invoice_vals_list)
        iterator = iter(invoice_vals_list)
        move_ids = []
        while chunk := list(itertools.islice(iterator, chunk_size)):
            if not validated:
                self._check_invoice_vals(chunk)
                chunk = self._apply_lock_dates(chunk)
            move_ids += self._create_posted_invoices_chunk(chunk)
        return self.env["account.move"].browse(move_ids)

    @api.model
    def _prepare_standard_move_vals(self, invoice_vals):
        """Values for ``account.move.create`` giving the same invoice through the ORM.

        Used by the fall-back path and by the benchmark's baseline.
        """
        vals = {k: v for k, v in invoice_vals.items() if k not in _INVOICE_KEYS}
        vals.setdefault("move_type", "out_invoice")
        vals.setdefault("date", vals.get("invoice_date"))
        # The due date comes from the billing cycle, never from a payment term.
        vals.setdefault("invoice_payment_term_id", False)
        line_commands = []
        for line in invoice_vals["lines"]:
            line_vals = dict(line)
            line_vals["tax_ids"] = [Command.set(line.get("tax_ids") or [])]
            line_commands.append(Command.create(line_vals))
        vals["invoice_line_ids"] = line_commands
        return vals

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.model
    def _check_invoice_vals(self, invoice_vals_list):
        """Validate the whole input and raise one error listing every problem."""
        problems = self._check_invoice_structure(invoice_vals_list)
        if not problems:
            problems = self._check_invoice_references(invoice_vals_list)
        if problems:
            raise UserError("\n".join(problems))

    @api.model
    def _apply_lock_dates(self, invoice_vals_list):
        """What ``account.move._post`` does to an invoice dated in a locked
        period: it is accounted on the first open date Odoo's
        ``_get_accounting_date`` gives (the end of that month, or today if
        earlier, for a monthly numbering), the bill date staying as it is.

        :return: the invoice dicts, a copy with the new ``date`` for those moved
        """
        Move = self.env["account.move"]
        journals = self.env["account.journal"].browse(
            {vals["journal_id"] for vals in invoice_vals_list}
        )
        dates = {}
        result = []
        for vals in invoice_vals_list:
            journal = journals.browse(vals["journal_id"])
            invoice_date = fields.Date.to_date(vals["invoice_date"])
            accounting_date = fields.Date.to_date(vals.get("date")) or invoice_date
            has_tax = any(line.get("tax_ids") for line in vals["lines"])
            move_type = vals.get("move_type", "out_invoice")
            key = (journal.id, move_type, invoice_date, accounting_date, has_tax)
            if key not in dates:
                locks = journal.company_id._get_violated_lock_dates(
                    accounting_date, has_tax, journal
                )
                # The draft Odoo would post: same journal, type and dates.
                draft = Move.new(
                    {
                        "move_type": move_type,
                        "journal_id": journal.id,
                        "invoice_date": invoice_date,
                        "date": accounting_date,
                    }
                )
                dates[key] = locks and draft._get_accounting_date(
                    invoice_date, has_tax, lock_dates=locks
                )
            result.append(dict(vals, date=dates[key]) if dates[key] else vals)
        return result

    @api.model
    def _allowed_keys(self, model_name, forbidden):
        model = self.env[model_name]
        return {
            fname
            for fname, field in model._fields.items()
            if field.store and field.type != "one2many" and fname not in forbidden
        }

    @api.model
    def _check_invoice_structure(self, invoice_vals_list):
        """Problems visible without reading the database."""
        problems = []
        move_keys = self._allowed_keys("account.move", _MOVE_FORBIDDEN) | _INVOICE_KEYS
        line_keys = self._allowed_keys("account.move.line", _LINE_FORBIDDEN)
        for index, vals in enumerate(invoice_vals_list, start=1):
            for key in ("partner_id", "journal_id", "invoice_date", "invoice_date_due"):
                if not vals.get(key):
                    problems.append(
                        self.env._("Invoice %(index)s: %(key)s is required.", index=index, key=key)
                    )
            problems += [
                self.env._(
                    "Invoice %(index)s: unknown or read-only field %(key)s.", index=index, key=key
                )
                for key in sorted(vals.keys() - move_keys)
            ]
            if not vals.get("lines"):
                problems.append(
                    self.env._(
                        "Invoice %(index)s: an invoice needs at least one line.", index=index
                    )
                )
            for line_index, line in enumerate(vals.get("lines") or (), start=1):
                if not line.get("account_id"):
                    problems.append(
                        self.env._(
                            "Invoice %(index)s, line %(line)s: account_id is required.",
                            index=index,
                            line=line_index,
                        )
                    )
                if line.get("price_unit") is None:
                    problems.append(
                        self.env._(
                            "Invoice %(index)s, line %(line)s: price_unit is required.",
                            index=index,
                            line=line_index,
                        )
                    )
                problems += [
                    self.env._(
                        "Invoice %(index)s, line %(line)s: unknown or read-only field %(key)s.",
                        index=index,
                        line=line_index,
                        key=key,
                    )
                    for key in sorted(line.keys() - line_keys)
                ]
        return problems

    @api.model
    def _check_invoice_references(self, invoice_vals_list):
        """Problems with the records and dates the invoices refer to."""
        Move = self.env["account.move"]
        Line = self.env["account.move.line"]
        # Many2one values to check: {(owner model, field): ids}
        targets = defaultdict(set)
        move_m2o = {f for f, fld in Move._fields.items() if fld.type == "many2one"}
        line_m2o = {f for f, fld in Line._fields.items() if fld.type == "many2one"}
        for vals in invoice_vals_list:
            for key, value in vals.items():
                if value and key in move_m2o:
                    targets[("account.move", key)].add(value)
            for line in vals["lines"]:
                for key, value in line.items():
                    if value and key in line_m2o:
                        targets[("account.move.line", key)].add(value)
        records = {}
        problems = []
        for (owner, key), ids in targets.items():
            found = self.env[self.env[owner]._fields[key].comodel_name].browse(ids).exists()
            records[(owner, key)] = {rec.id: rec for rec in found}
            problems += [
                self.env._("%(field)s %(id)s does not exist.", field=key, id=missing)
                for missing in sorted(ids - set(found.ids))
            ]
        if problems:
            return problems
        accounts = records[("account.move.line", "account_id")]
        problems = self._check_journals_and_accounts(
            records[("account.move", "journal_id")].values(), accounts.values()
        )
        if problems:
            return problems

        # Per invoice: companies, lock dates, negative totals.
        check = {
            "records": records,
            "company_fields": [
                (owner, key)
                for owner, key in records
                if self.env[owner]._fields[key].check_company and key != "journal_id"
            ],
            "account_companies": {aid: set(acc.company_ids.ids) for aid, acc in accounts.items()},
            "converters": {},
        }
        for index, vals in enumerate(invoice_vals_list, start=1):
            problems += self._check_invoice_companies(index, vals, check)
            problems += self._check_invoice_date_and_total(index, vals, check)
        return problems

    @api.model
    def _check_journals_and_accounts(self, journals, accounts):
        problems = []
        for journal in journals:
            if journal.type != "sale":
                problems.append(
                    self.env._(
                        "Journal %(journal)s is not a sales journal.", journal=journal.display_name
                    )
                )
            if not journal.active:
                problems.append(
                    self.env._(
                        "You cannot post an entry in an archived journal (%(journal)s)",
                        journal=journal.display_name,
                    )
                )
            if journal.company_id not in self.env.companies:
                problems.append(
                    self.env._(
                        "Journal %(journal)s belongs to a company you are not working in.",
                        journal=journal.display_name,
                    )
                )
        for account in accounts:
            if account.deprecated:
                problems.append(
                    self.env._(
                        "A line of this move is using a deprecated account, you cannot post it. "
                        "(%(account)s)",
                        account=account.display_name,
                    )
                )
            if account.account_type in ("asset_receivable", "liability_payable", "off_balance"):
                problems.append(
                    self.env._(
                        "Account %(account)s cannot be used on an invoice line (%(type)s).",
                        account=account.display_name,
                        type=account.account_type,
                    )
                )
        return problems

    @api.model
    def _check_invoice_companies(self, index, vals, check):
        records = check["records"]
        company = records[("account.move", "journal_id")][vals["journal_id"]].company_id
        problems = []
        for owner, key in check["company_fields"]:
            if owner == "account.move":
                values = [vals.get(key)]
            else:
                values = [line.get(key) for line in vals["lines"]]
            for value in values:
                record = records[(owner, key)].get(value)
                if (
                    record
                    and "company_id" in record._fields
                    and record.company_id
                    and record.company_id != company
                ):
                    problems.append(
                        self.env._(
                            "Invoice %(index)s: %(record)s (%(field)s) belongs to another company.",
                            index=index,
                            record=record.display_name,
                            field=key,
                        )
                    )
        for line in vals["lines"]:
            if company.id not in check["account_companies"][line["account_id"]]:
                account = records[("account.move.line", "account_id")][line["account_id"]]
                problems.append(
                    self.env._(
                        "Invoice %(index)s: account %(account)s does not belong to %(company)s.",
                        index=index,
                        account=account.display_name,
                        company=company.display_name,
                    )
                )
        return problems

    @api.model
    def _check_invoice_date_and_total(self, index, vals, check):
        """Negative totals (Odoo's message)."""
        journal = check["records"][("account.move", "journal_id")][vals["journal_id"]]
        company = journal.company_id
        problems = []
        has_tax = any(line.get("tax_ids") for line in vals["lines"])
        if not has_tax:
            currency = company.currency_id
            total = self._compute_untaxed_total(vals["lines"], currency, check["converters"])
            if float_round(total, precision_rounding=currency.rounding) < 0:
                problems.append(
                    self.env._("Invoice %(index)s: ", index=index)
                    + self.env._(
                        "You cannot validate an invoice with a negative total amount. "
                        "You should create a credit note instead. "
                        "Use the action menu to transform it into a credit note or refund."
                    )
                )
        return problems

    # ------------------------------------------------------------------
    # Amounts: Odoo's float arithmetic, in Odoo's order
    # ------------------------------------------------------------------
    @api.model
    def _line_amount(self, quantity, price_unit, currency):
        """Untaxed amount of a tax-free line, as ``account.tax._get_tax_details``
        and ``_round_base_lines_tax_details`` compute it (quantity and price
        already rounded to their decimal precision, like the ORM stores them)."""
        return currency.round(quantity * (price_unit * (1 - (0.0 / 100.0))))

    @api.model
    def _compute_untaxed_total(self, lines, currency, converters=None):
        Line = self.env["account.move.line"]
        converters = {} if converters is None else converters
        round_quantity = self._float_converter(Line, "quantity", converters)
        round_price = self._float_converter(Line, "price_unit", converters)
        total = 0.0
        for line in lines:
            quantity = round_quantity(line.get("quantity", 1.0))
            price_unit = round_price(line.get("price_unit") or 0.0)
            total += self._line_amount(quantity, price_unit, currency)
        return total

    # ------------------------------------------------------------------
    # Chunk
    # ------------------------------------------------------------------
    @api.model
    def _create_posted_invoices_chunk(self, chunk):
        """Write one chunk; returns the move ids in the order of ``chunk``.

        Odoo numbers a posted batch by (date, ref, creation order): the chunk is
        taken in that order, in runs of fast invoices and of invoices for the
        ORM, so the numbers do not depend on which path an invoice takes.
        """
        fast, _slow = self._split_fast_invoices(chunk)
        fast = set(fast)
        order = sorted(
            range(len(chunk)),
            key=lambda i: (
                fields.Date.to_date(chunk[i].get("date") or chunk[i]["invoice_date"]),
                chunk[i].get("ref") or "",
                i,
            ),
        )
        ids_by_index = {}
        runs = []  # consecutive invoices taking the same path: [(is_fast, [index...])]
        for index in order:
            if runs and runs[-1][0] == (index in fast):
                runs[-1][1].append(index)
            else:
                runs.append((index in fast, [index]))
        for is_fast, run in runs:
            if is_fast:
                ids_by_index.update(self._write_fast_invoices([(i, chunk[i]) for i in run]))
            else:
                moves = self.env["account.move"].create(
                    [self._prepare_standard_move_vals(chunk[i]) for i in run]
                )
                moves.action_post()
                ids_by_index.update(zip(run, moves.ids, strict=True))
        return [ids_by_index[i] for i in range(len(chunk))]

    @api.model
    def _split_fast_invoices(self, chunk):
        """Indexes of the invoices the fast path covers, and of the others.

        Everything goes to the ORM when the fast path is off for a company
        (setting) or another module overrides what it skips (see
        :meth:`_get_skipped_methods`); an invoice does when it has
        cash-basis or analytic taxes, another currency, a payment term,
        analytics, a discount or a product that is not a service (stock
        valuation at posting)."""
        journals = self.env["account.journal"].browse({vals["journal_id"] for vals in chunk})
        if not self.env["utility.sql.writer"]._can_bypass_orm(
            self._name, journals.company_id.sudo()
        ):
            return [], list(range(len(chunk)))
        company_currency = {j.id: j.company_id.currency_id.id for j in journals}
        slow_taxes = self._get_taxes_for_orm(
            {
                tax_id
                for vals in chunk
                for line in vals["lines"]
                for tax_id in line.get("tax_ids") or ()
            }
        )
        products = self.env["product.product"].browse(
            {
                line["product_id"]
                for vals in chunk
                for line in vals["lines"]
                if line.get("product_id")
            }
        )
        goods = set(products.filtered(lambda p: p.type != "service").ids)
        fast, slow = [], []
        for index, vals in enumerate(chunk):
            is_slow = (
                vals.get("move_type", "out_invoice") != "out_invoice"
                or vals.get("currency_id", company_currency[vals["journal_id"]])
                != company_currency[vals["journal_id"]]
                or any(vals.get(key) for key in _MOVE_FALLBACK_KEYS)
                or any(line.get(key) for line in vals["lines"] for key in _LINE_FALLBACK_KEYS)
                or self._is_taxed_for_orm(vals, slow_taxes)
                or any(line.get("product_id") in goods for line in vals["lines"])
            )
            (slow if is_slow else fast).append(index)
        if fast:
            # An analytic distribution model matching a line means analytic
            # lines at posting: leave those invoices to the ORM.
            with_analytic = self._get_invoices_with_analytic([chunk[i] for i in fast])
            if with_analytic:
                slow += [fast[i] for i in with_analytic]
                fast = [i for pos, i in enumerate(fast) if pos not in with_analytic]
        return fast, sorted(slow)

    @api.model
    def _get_taxes_for_orm(self, tax_ids):
        """Ids of the taxes the fast path leaves to the ORM.

        Cash-basis taxes move their amounts at payment (transition accounts,
        ``tax_cash_basis_rec_id``), and taxes with an analytic flag may get an
        analytic distribution: Odoo's posting does more for those than
        writing the rows.
        """
        if not tax_ids:
            return set()
        taxes = self.env["account.tax"].browse(tax_ids).exists()
        flat = taxes | taxes.children_tax_ids
        return {
            tax.id
            for tax in taxes
            if any(
                t.tax_exigibility == "on_payment" or t.analytic
                for t in (tax | tax.children_tax_ids)
            )
        } | set(tax_ids) - set(flat.ids)

    @api.model
    def _is_taxed_for_orm(self, vals, slow_taxes):
        """A taxed invoice the ORM posts: a tax it must handle, or an untaxed
        total under zero (Odoo refuses a negative total with its own message)."""
        taxed = [line for line in vals["lines"] if line.get("tax_ids")]
        if not taxed:
            return False
        if any(tax_id in slow_taxes for line in taxed for tax_id in line["tax_ids"]):
            return True
        journal = self.env["account.journal"].browse(vals["journal_id"])
        total = self._compute_untaxed_total(vals["lines"], journal.company_id.currency_id)
        return journal.company_id.currency_id.compare_amounts(total, 0.0) < 0

    def _get_skipped_methods(self):
        """Methods whose work the fast path does without calling them: the ORM
        methods that create and post an invoice, and the compute methods of
        the columns it writes itself (an override elsewhere could store
        something else). The methods it calls (``_increase_rank``,
        ``_calculate_hashes``, ``_get_invoice_computed_reference``,
        ``_invoice_paid_hook``...) run with their overrides.

        :return: {model name: set of method names}
        """
        sql = self.env["utility.sql.writer"]
        return {
            "account.move": {
                "create", "write", "_post", "action_post", "_hash_moves", "message_post",
                "_message_log_batch",
            }
            | sql._get_compute_methods("account.move", _MOVE_COMPUTED),
            "account.move.line": {"create", "write"}
            | sql._get_compute_methods("account.move.line", _LINE_COMPUTED),
        }  # fmt: skip

    @api.model
    def _get_invoices_with_analytic(self, invoice_vals_list):
        """Positions of the invoices one of whose lines gets an analytic distribution."""
        Model = self.env["account.analytic.distribution.model"]
        if not Model.sudo().search_count([], limit=1):
            return set()
        journals = self.env["account.journal"].browse({v["journal_id"] for v in invoice_vals_list})
        company_by_journal = {j.id: j.company_id for j in journals}
        partners = self.env["res.partner"].browse({v["partner_id"] for v in invoice_vals_list})
        products = self.env["product.product"].browse(
            {
                line["product_id"]
                for v in invoice_vals_list
                for line in v["lines"]
                if line.get("product_id")
            }
        )
        accounts = self.env["account.account"].browse(
            {line["account_id"] for v in invoice_vals_list for line in v["lines"]}
        )
        partners.mapped("commercial_partner_id.category_id")
        products.mapped("categ_id")
        accounts.mapped("code")
        cache, result = {}, set()
        for pos, vals in enumerate(invoice_vals_list):
            company = company_by_journal[vals["journal_id"]]
            partner = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
            for line in vals["lines"]:
                product = self.env["product.product"].browse(line.get("product_id"))
                arguments = (
                    product.id,
                    product.categ_id.id,
                    partner.id,
                    tuple(partner.category_id.ids),
                    self.env["account.account"]
                    .browse(line["account_id"])
                    .with_company(company)
                    .code,
                    company.id,
                )
                if arguments not in cache:
                    cache[arguments] = Model._get_distribution(
                        {
                            "product_id": arguments[0],
                            "product_categ_id": arguments[1],
                            "partner_id": arguments[2],
                            "partner_category_id": list(arguments[3]),
                            "account_prefix": arguments[4],
                            "company_id": arguments[5],
                            "related_root_plan_ids": self.env["account.analytic.plan"],
                        }
                    )
                if cache[arguments]:
                    result.add(pos)
                    break
        return result

    # ------------------------------------------------------------------
    # Fast path
    # ------------------------------------------------------------------
    @api.model
    def _write_fast_invoices(self, indexed_vals):
        """Insert, number, hash and post tax-free invoices with raw SQL.

        :param indexed_vals: list of (position in chunk, invoice dict)
        :return: dict position -> move id
        """
        env = self.env
        Move = env["account.move"]
        Line = env["account.move.line"]
        # Odoo numbers a posted batch ordered by (date, ref, id): ids and
        # numbers follow that order.
        indexed_vals = sorted(
            indexed_vals,
            key=lambda iv: (
                fields.Date.to_date(iv[1].get("date") or iv[1]["invoice_date"]),
                iv[1].get("ref") or "",
                iv[0],
            ),
        )
        context = self._prepare_fast_context([vals for _i, vals in indexed_vals])
        move_rows = [self._prepare_move_row(vals, context) for _i, vals in indexed_vals]
        move_ids = self.env["utility.sql.writer"]._reserve_ids("account_move", len(move_rows))
        for row, move_id in zip(move_rows, move_ids, strict=True):
            row["id"] = move_id
        moves = Move.browse(move_ids)

        # 1. Numbers: the first move of each sequence is inserted alone, named
        # '/' (outside the unique index), to take the sequence's lock.
        names, inserted = self._assign_sequence_numbers(moves, move_rows, context)
        refs = self._compute_payment_references(moves, move_rows, names, context)
        split_by_journal = {}
        for row, name, payment_reference in zip(move_rows, names, refs, strict=True):
            if row["journal_id"] not in split_by_journal:
                split_by_journal[row["journal_id"]] = self._split_sequence_regex(
                    context["journals"][row["journal_id"]]
                )
            match = split_by_journal[row["journal_id"]].match(name)
            row.update(
                name=name,
                sequence_prefix=name[: match.start(1)],
                sequence_number=int(match.group(1) or 0),
                payment_reference=payment_reference,
            )

        # 2. Moves, then lines, with COPY.
        move_columns = ["id", *context["move_columns"]]
        self.env["utility.sql.writer"]._copy_rows(
            "account_move",
            move_columns,
            [
                tuple(row.get(c) for c in move_columns)
                for row in move_rows
                if row["id"] not in inserted
            ],
        )
        if inserted:
            env.cr.execute_values(
                """
                UPDATE account_move m
                   SET name = v.name, sequence_prefix = v.prefix, sequence_number = v.number,
                       payment_reference = v.payment_reference
                  FROM (VALUES %s) AS v(id, name, prefix, number, payment_reference)
                 WHERE m.id = v.id
                """,
                [
                    (
                        row["id"],
                        row["name"],
                        row["sequence_prefix"],
                        row["sequence_number"],
                        row["payment_reference"],
                    )
                    for row in move_rows
                    if row["id"] in inserted
                ],
            )
        line_rows = []
        context["line_m2m"] = []
        for (_i, vals), row in zip(indexed_vals, move_rows, strict=True):
            line_rows += self._prepare_line_rows(vals, row, context)
        line_ids = self.env["utility.sql.writer"]._reserve_ids("account_move_line", len(line_rows))
        line_columns = ["id", *context["line_columns"]]
        self.env["utility.sql.writer"]._copy_rows(
            "account_move_line",
            line_columns,
            [(line_id, *row) for line_id, row in zip(line_ids, line_rows, strict=True)],
        )
        self._write_line_taxes(line_ids, context["line_m2m"])
        lines = Line.browse(line_ids)
        context["line_rows"] = (context["line_columns"], line_rows)

        # 3. What Odoo does around posting.
        self._finalize_fast_invoices(moves, lines, move_rows, context)
        return {i: move_id for (i, _vals), move_id in zip(indexed_vals, move_ids, strict=True)}

    @api.model
    def _write_line_taxes(self, line_ids, line_m2m):
        """Rows of the lines' taxes and tax tags (many2many tables), one COPY each."""
        Line = self.env["account.move.line"]
        for fname, position in (("tax_ids", 0), ("tax_tag_ids", 1)):
            field = Line._fields[fname]
            self.env["utility.sql.writer"]._copy_rows(
                field.relation,
                [field.column1, field.column2],
                [
                    (line_id, other_id)
                    for line_id, values in zip(line_ids, line_m2m, strict=True)
                    for other_id in values[position]
                ],
            )

    def _split_sequence_regex(self, journal):
        """sequence.mixin._compute_split_sequence's regex for a move of ``journal``
        (account.move._sequence_fixed_regex: the journal's override or the mixin's)."""
        regex = journal.sequence_override_regex or self.env["sequence.mixin"]._sequence_fixed_regex
        return re.compile(
            self.env["sequence.mixin"]._make_regex_non_capturing(regex.replace(r"?P<seq>", ""))
        )

    @api.model
    def _prepare_fast_context(self, invoice_vals_list):
        """Everything the rows need, read in a bounded number of queries."""
        env = self.env
        Move = env["account.move"]
        Line = env["account.move.line"]
        journals = env["account.journal"].browse({v["journal_id"] for v in invoice_vals_list})
        partners = env["res.partner"].browse({v["partner_id"] for v in invoice_vals_list})
        products = env["product.product"].browse(
            {
                line["product_id"]
                for v in invoice_vals_list
                for line in v["lines"]
                if line.get("product_id")
            }
        )
        accounts = env["account.account"].browse(
            {line["account_id"] for v in invoice_vals_list for line in v["lines"]}
        )
        accounts.mapped("reconcile")
        products.mapped("uom_id")
        partners.mapped("commercial_partner_id")
        user = env.user
        ctx = {
            "now": env.cr.now(),
            "uid": env.uid,
            "journals": {j.id: j for j in journals},
            "accounts": {a.id: a for a in accounts},
            "products": {p.id: p for p in products},
            "partners": {},
            "companies": {},
            "incoterm_id": env.company.incoterm_id.id or None,
        }
        use_invoice_terms = env["ir.config_parameter"].sudo().get_param("account.use_invoice_terms")
        for company in journals.company_id:
            auto_fpos = (
                env["account.fiscal.position"]
                .with_company(company)
                .search_count(
                    [
                        *env["account.fiscal.position"]._check_company_domain(company),
                        ("auto_apply", "=", True),
                    ],
                    limit=1,
                )
            )
            bank = company.partner_id.bank_ids.filtered(
                lambda b, c=company: not b.company_id or b.company_id == c
            ).sorted(lambda b: not b.allow_out_payment)[:1]
            ctx["companies"][company.id] = {
                "record": company,
                "currency": company.currency_id,
                "auto_fpos": bool(auto_fpos),
                "partner_bank_id": bank.id or None,
                "narration": {},
                "use_invoice_terms": use_invoice_terms,
            }
        # Partner-dependent values, per (partner, company).
        for company_id, cinfo in ctx["companies"].items():
            company = cinfo["record"]
            p_company = partners.with_company(company)
            p_company.mapped("property_account_receivable_id")
            p_company.mapped("property_account_position_id")
            p_company.mapped("property_inbound_payment_method_line_id")
            company_receivable = company.partner_id.with_company(
                company
            ).property_account_receivable_id
            for partner in p_company:
                commercial = partner.commercial_partner_id
                shipping = env["res.partner"].browse(partner.address_get(["delivery"])["delivery"])
                fpos = self._get_fiscal_position(partner, shipping, company, cinfo["auto_fpos"])
                receivable = (
                    commercial.with_company(company).property_account_receivable_id
                    or company_receivable
                    or self._fallback_account(company)
                )
                if fpos:
                    receivable = fpos.map_account(receivable)
                ctx["partners"][(partner.id, company_id)] = {
                    "commercial_id": commercial.id,
                    "shipping_id": shipping.id,
                    "fiscal_position": fpos,
                    "receivable_id": receivable.id,
                    "user_id": (partner.user_id or commercial.user_id or user).id,
                    "display_name": partner.display_name,
                    "lang": partner.lang,
                    "payment_method_line_id": partner.property_inbound_payment_method_line_id.id
                    or None,
                }
        # Column lists: the known ones, then whatever other modules add.
        ctx["move_columns"], ctx["move_defaults"], ctx["move_to_compute"] = self._columns(
            Move, _MOVE_COMPUTED, invoice_vals_list, lambda v: [v]
        )
        ctx["line_columns"], ctx["line_defaults"], ctx["line_to_compute"] = self._columns(
            Line, _LINE_COMPUTED, invoice_vals_list, lambda v: v["lines"]
        )
        ctx["move_related"] = [
            (fname, field.related.split(".")[1])
            for fname, field in Line._fields.items()
            if field.store
            and field.related
            and field.related.count(".") == 1
            and field.related.startswith("move_id.")
            and fname not in _LINE_COMPUTED
        ]
        for fname, _move_fname in ctx["move_related"]:
            if fname in ctx["line_to_compute"]:
                ctx["line_to_compute"].remove(fname)
            if fname not in ctx["line_columns"]:
                ctx["line_columns"].append(fname)
        # Taxes and their repartition lines, read together for the engine.
        taxes = env["account.tax"].browse(
            {
                tax_id
                for v in invoice_vals_list
                for line in v["lines"]
                for tax_id in line.get("tax_ids") or ()
            }
        )
        taxes = taxes | taxes.children_tax_ids
        ctx["tax_prefetch"] = taxes._prefetch_ids
        repartitions = taxes.invoice_repartition_line_ids | taxes.refund_repartition_line_ids
        repartitions.mapped("tag_ids")
        ctx["repartitions"] = {rep.id: rep for rep in repartitions}
        for account in repartitions.account_id:
            ctx["accounts"].setdefault(account.id, account)
        ctx["converters"] = converters = {}
        ctx["round_quantity"] = self._float_converter(Line, "quantity", converters)
        ctx["round_price"] = self._float_converter(Line, "price_unit", converters)
        return ctx

    @api.model
    def _fallback_account(self, company):
        return self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(company),
                ("account_type", "=", "asset_receivable"),
                ("deprecated", "=", False),
            ],
            limit=1,
        )

    @api.model
    def _get_fiscal_position(self, partner, shipping, company, auto_fpos):
        """Same result as account.move._compute_fiscal_position_id, without the
        per-partner search when the company has no auto-applied position."""
        Fpos = self.env["account.fiscal.position"].with_company(company)
        if auto_fpos:
            return Fpos._get_fiscal_position(partner, delivery=shipping)
        manual = (
            shipping.with_company(company).property_account_position_id
            or partner.with_company(company).property_account_position_id
        )
        if manual and company.vat and partner.vat and shipping != partner:
            # EU VAT rules may swap the delivery partner: let Odoo decide.
            return Fpos._get_fiscal_position(partner, delivery=shipping)
        return manual

    @api.model
    def _columns(self, model, computed, invoice_vals_list, get_records):
        """Columns to insert: computed by the writer, given by the caller, and
        the defaults of fields the writer does not know; plus the stored
        computed fields of other modules, left to the ORM."""
        given = set()
        for vals in invoice_vals_list:
            for record_vals in get_records(vals):
                given.update(
                    k for k in record_vals if k in model._fields and model._fields[k].store
                )
        given.discard("tax_ids")
        columns, defaults, to_compute = [], {}, []
        for fname, field in model._fields.items():
            if not field.store or not field.column_type or fname == "id":
                continue
            if fname in computed or fname in given:
                columns.append(fname)
            elif field.compute:
                to_compute.append(fname)
            elif field.default:
                defaults[fname] = None
        if defaults:
            values = model.default_get(list(defaults))
            for fname in list(defaults):
                if fname in values:
                    defaults[fname] = values[fname]
                    columns.append(fname)
                else:
                    del defaults[fname]
        return columns, defaults, to_compute

    @api.model
    def _column_value(self, model, fname, value, ctx):
        return self.env["utility.sql.writer"]._column_converter(model, fname, ctx["converters"])(
            value
        )

    @api.model
    def _float_converter(self, model, fname, converters):
        """The column converter of a float field, giving a float (the amounts are
        computed with Odoo's float arithmetic, from values rounded as stored)."""
        convert = self.env["utility.sql.writer"]._column_converter(model, fname, converters)

        def to_float(value):
            return float(convert(value))

        return to_float

    # ------------------------------------------------------------------
    # Rows
    # ------------------------------------------------------------------
    @api.model
    def _prepare_move_row(self, vals, ctx):
        Move = self.env["account.move"]
        journal = ctx["journals"][vals["journal_id"]]
        company = journal.company_id
        cinfo = ctx["companies"][company.id]
        currency = cinfo["currency"]
        pinfo = ctx["partners"][(vals["partner_id"], company.id)]
        lines = vals["lines"]
        taxes = None
        if any(line.get("tax_ids") for line in lines):
            taxes = self._compute_taxes(vals, company, pinfo, ctx)
            untaxed = -sum(taxes["balances"])
            tax_total = -sum(tax_line["balance"] for tax_line in taxes["tax_lines"])
        else:
            untaxed = 0.0
            for line in lines:
                untaxed += self._line_amount(
                    ctx["round_quantity"](line.get("quantity", 1.0)),
                    ctx["round_price"](line["price_unit"]),
                    currency,
                )
            tax_total = 0.0
        # amount_total_signed = -(sum of the line balances), rounded as a Monetary.
        amount_untaxed = currency.round(untaxed) + 0.0
        amount_tax = currency.round(tax_total) + 0.0
        amount = currency.round(untaxed + tax_total) + 0.0
        fiscal_position_id = vals.get("fiscal_position_id") or pinfo["fiscal_position"].id or None
        invoice_date = fields.Date.to_date(vals["invoice_date"])
        narration = vals.get("narration", False)
        if "narration" not in vals:
            narration = self._compute_narration(cinfo, pinfo["lang"])
        row = {
            "move_type": "out_invoice",
            "state": "posted",
            "posted_before": True,
            "name": "/",
            "sequence_prefix": None,
            "sequence_number": None,
            "journal_id": journal.id,
            "company_id": company.id,
            "currency_id": currency.id,
            "partner_id": vals["partner_id"],
            "commercial_partner_id": pinfo["commercial_id"],
            "partner_shipping_id": vals.get("partner_shipping_id") or pinfo["shipping_id"],
            "fiscal_position_id": fiscal_position_id,
            "invoice_user_id": vals.get("invoice_user_id") or pinfo["user_id"],
            "invoice_partner_display_name": pinfo["display_name"],
            "preferred_payment_method_line_id": vals.get("preferred_payment_method_line_id")
            or pinfo["payment_method_line_id"],
            "partner_bank_id": vals.get("partner_bank_id") or cinfo["partner_bank_id"],
            "invoice_incoterm_id": vals.get("invoice_incoterm_id", ctx["incoterm_id"]) or None,
            "narration": self._column_value(Move, "narration", narration, ctx),
            "payment_reference": vals.get("payment_reference") or None,
            "date": fields.Date.to_date(vals.get("date")) or invoice_date,
            "invoice_date": invoice_date,
            "invoice_date_due": fields.Date.to_date(vals["invoice_date_due"]),
            "invoice_currency_rate": 1.0,
            "invoice_payment_term_id": None,
            "amount_untaxed": amount_untaxed,
            "amount_tax": amount_tax,
            "amount_total": amount,
            "amount_residual": amount,
            "amount_untaxed_signed": amount_untaxed,
            "amount_untaxed_in_currency_signed": amount_untaxed,
            "amount_tax_signed": amount_tax,
            "amount_total_signed": amount,
            "amount_total_in_currency_signed": amount,
            "amount_residual_signed": amount,
            "payment_state": "paid" if currency.is_zero(amount) else "not_paid",
            "is_storno": False,
            "always_tax_exigible": False,
            "checked": journal.autocheck_on_post or None,
            "made_sequence_gap": False,
            "is_manually_modified": False,
            "auto_post": "no",
            "auto_post_until": None,
            "delivery_date": None,
            "incoterm_location": None,
            "inalterable_hash": None,
            "secure_sequence_number": None,
            "create_uid": ctx["uid"],
            "create_date": ctx["now"],
            "write_uid": ctx["uid"],
            "write_date": ctx["now"],
        }
        for fname, value in ctx["move_defaults"].items():
            row[fname] = self._column_value(Move, fname, value, ctx)
        for fname in ("delivery_date", "incoterm_location"):
            # Computed, but kept when given, as in create().
            if vals.get(fname):
                row[fname] = self._column_value(Move, fname, vals[fname], ctx)
        for key, value in vals.items():
            if key in _INVOICE_KEYS or key in row:
                continue
            row[key] = self._column_value(Move, key, value, ctx)
        # Not a column: the tax results, for the lines (_prepare_line_rows).
        row["_taxes"] = taxes
        return row

    @api.model
    def _compute_taxes(self, vals, company, pinfo, ctx):
        """Odoo's tax engine on the lines of one invoice, as account.move runs
        it when the invoice is saved (``_sync_tax_lines``): details per line,
        rounded by the company's method (per line or globally, the rounding
        difference of a global rounding put on a base line as Odoo puts it),
        repartition and tags, then the tax lines grouped by Odoo's key.

        :return: dict with ``balances`` (of the product lines, in order),
            ``subtotals`` / ``totals`` (price_subtotal / price_total),
            ``tag_ids`` (tax tags of the product lines) and ``tax_lines``
            (the values of each tax line, in Odoo's order)
        """
        AccountTax = self.env["account.tax"]
        currency = ctx["companies"][company.id]["currency"]
        partner = self.env["res.partner"].browse(pinfo["commercial_id"])
        base_lines = []
        for index, line in enumerate(vals["lines"]):
            taxes = AccountTax.browse(line.get("tax_ids") or ()).with_prefetch(ctx["tax_prefetch"])
            base_lines.append(
                AccountTax._prepare_base_line_for_taxes_computation(
                    None,
                    id=index,
                    product_id=ctx["products"].get(line.get("product_id"))
                    or self.env["product.product"],
                    tax_ids=taxes,
                    price_unit=ctx["round_price"](line["price_unit"]),
                    quantity=ctx["round_quantity"](line.get("quantity", 1.0)),
                    discount=0.0,
                    currency_id=currency,
                    rate=1.0,
                    # account.move.direction_sign of a customer invoice.
                    sign=-1,
                    is_refund=False,
                    # account.move.line._compute_tax_tag_invert: an inbound invoice.
                    tax_tag_invert=bool(taxes),
                    partner_id=partner,
                    account_id=ctx["accounts"][line["account_id"]],
                    analytic_distribution=None,
                )
            )
        # account.move.line._compute_totals: each line alone, not rounded.
        totals = []
        for base_line in base_lines:
            AccountTax._add_tax_details_in_base_line(base_line, company)
            details = base_line["tax_details"]
            totals.append(
                (
                    currency.round(details["raw_total_excluded_currency"]) + 0.0,
                    currency.round(details["raw_total_included_currency"]) + 0.0,
                )
            )
        AccountTax._round_base_lines_tax_details(base_lines, company, tax_lines=[])
        AccountTax._add_accounting_data_in_base_lines_tax_details(
            base_lines, company, include_caba_tags=False
        )
        result = AccountTax._prepare_tax_lines(base_lines, company)
        return {
            "balances": [
                currency.round(to_update["balance"]) + 0.0
                for _base_line, to_update in result["base_lines_to_update"]
            ],
            "subtotals": [subtotal for subtotal, _total in totals],
            "totals": [total for _subtotal, total in totals],
            "tag_ids": [
                to_update["tax_tag_ids"][0][2]
                for _base_line, to_update in result["base_lines_to_update"]
            ],
            "tax_lines": [
                dict(
                    tax_line,
                    balance=currency.round(tax_line["balance"]) + 0.0,
                    tax_base_amount=currency.round(tax_line["tax_base_amount"]) + 0.0,
                    tax_ids=tax_line["tax_ids"][0][2],
                    tax_tag_ids=tax_line["tax_tag_ids"][0][2],
                )
                for tax_line in result["tax_lines_to_add"]
            ],
        }

    @api.model
    def _compute_narration(self, cinfo, lang):
        """account.move._compute_narration, cached per company and language."""
        if not cinfo["use_invoice_terms"]:
            return False
        lang = lang or self.env.user.lang
        if lang not in cinfo["narration"]:
            company = cinfo["record"]
            if company.terms_type != "html":
                narration = (
                    company.with_context(lang=lang).invoice_terms
                    if not is_html_empty(company.invoice_terms)
                    else ""
                )
            else:
                baseurl = self.env.company.get_base_url() + "/terms"
                narration = self.with_context(lang=lang).env._("Terms & Conditions: %s", baseurl)
            cinfo["narration"][lang] = narration or False
        return cinfo["narration"][lang]

    @api.model
    def _prepare_line_rows(self, vals, move_row, ctx):
        Line = self.env["account.move.line"]
        move_id, name = move_row["id"], move_row["name"]
        payment_reference = move_row["payment_reference"]
        company_id = move_row["company_id"]
        currency = ctx["companies"][company_id]["currency"]
        pinfo = ctx["partners"][(vals["partner_id"], company_id)]
        common = {
            "move_id": move_id,
            "journal_id": move_row["journal_id"],
            "company_id": company_id,
            "company_currency_id": currency.id,
            "currency_id": currency.id,
            "partner_id": pinfo["commercial_id"],
            "date": move_row["date"],
            "invoice_date": move_row["invoice_date"],
            "move_name": name,
            "parent_state": "posted",
            "ref": move_row.get("ref"),
            "utility_account_id": move_row.get("utility_account_id"),
            "analytic_distribution": None,
            "tax_tag_invert": False,
            "reconciled": False,
            "discount": 0.0,
            "create_uid": ctx["uid"],
            "create_date": ctx["now"],
            "write_uid": ctx["uid"],
            "write_date": ctx["now"],
        }
        for fname, move_fname in ctx["move_related"]:
            common[fname] = move_row.get(move_fname)
        for fname, value in ctx["line_defaults"].items():
            common[fname] = self._column_value(Line, fname, value, ctx)
        rows = []
        # (tax ids, tax tag ids) of each row, for the many2many tables.
        m2m = ctx["line_m2m"]
        taxes = move_row["_taxes"]
        total = 0.0
        for index, line in enumerate(vals["lines"]):
            account = ctx["accounts"][line["account_id"]]
            product = ctx["products"].get(line.get("product_id"))
            quantity = ctx["round_quantity"](line.get("quantity", 1.0))
            price_unit = ctx["round_price"](line["price_unit"])
            if taxes:
                balance = taxes["balances"][index]
                subtotal = taxes["subtotals"][index]
                price_total = taxes["totals"][index]
                m2m.append((line.get("tax_ids") or (), taxes["tag_ids"][index]))
            else:
                subtotal = price_total = self._line_amount(quantity, price_unit, currency)
                balance = -subtotal + 0.0
                m2m.append(((), ()))
            total += balance
            row = dict(
                common,
                account_id=account.id,
                product_id=product.id if product else None,
                product_uom_id=product.uom_id.id if product else None,
                # A label given, even empty, is kept; none given: the product's.
                name=(
                    line["name"]
                    if "name" in line
                    else self._product_line_name(product, pinfo["lang"])
                )
                or None,
                display_type="product",
                sequence=100,
                date_maturity=None,
                **self._balance_columns(account, balance, currency),
                quantity=quantity,
                price_unit=price_unit,
                price_subtotal=subtotal,
                price_total=price_total,
                discount_amount_currency=None,
                discount_balance=None,
                tax_tag_invert=bool(line.get("tax_ids")),
            )
            for key, value in line.items():
                if key in ("tax_ids", "quantity", "price_unit", "name", "account_id", "product_id"):
                    continue
                row[key] = self._column_value(Line, key, value, ctx)
            rows.append(row)
        for tax_line in taxes["tax_lines"] if taxes else ():
            rows.append(self._prepare_tax_line_row(common, tax_line, ctx))
            m2m.append((tax_line["tax_ids"], tax_line["tax_tag_ids"]))
            total += tax_line["balance"]
        term_balance = currency.round(-total) + 0.0
        ref = move_row.get("ref")
        if payment_reference and ref and payment_reference != ref:
            term_name = f"{ref} - {payment_reference}"
        else:
            term_name = payment_reference or None
        if rows:
            rows.append(
                dict(
                    common,
                    account_id=pinfo["receivable_id"],
                    product_id=None,
                    product_uom_id=None,
                    name=term_name,
                    display_type="payment_term",
                    sequence=12000,
                    date_maturity=move_row["invoice_date_due"],
                    debit=term_balance if term_balance > 0.0 else 0.0,
                    credit=-term_balance if term_balance < 0.0 else 0.0,
                    balance=term_balance,
                    amount_currency=term_balance,
                    amount_residual=term_balance,
                    amount_residual_currency=term_balance,
                    reconciled=currency.is_zero(term_balance),
                    quantity=0.0,
                    price_unit=0.0,
                    price_subtotal=0.0,
                    price_total=0.0,
                    discount_amount_currency=0.0,
                    discount_balance=0.0,
                )
            )
            m2m.append(((), ()))
        columns = ctx["line_columns"]
        return [tuple(row.get(c) for c in columns) for row in rows]

    @api.model
    def _prepare_tax_line_row(self, common, tax_line, ctx):
        """A tax journal item from a tax line of ``_compute_taxes``, with what
        account.move.line computes for it (sequence, related tax and group,
        tags inverted on an inbound invoice)."""
        repartition = ctx["repartitions"][tax_line["tax_repartition_line_id"]]
        tax = repartition.tax_id
        account = ctx["accounts"].get(tax_line["account_id"]) or self.env["account.account"].browse(
            tax_line["account_id"]
        )
        currency = ctx["companies"][common["company_id"]]["currency"]
        return dict(
            common,
            account_id=account.id,
            product_id=None,
            product_uom_id=None,
            name=tax_line["name"] or None,
            display_type="tax",
            sequence=10000,
            date_maturity=None,
            **self._balance_columns(account, tax_line["balance"], currency),
            quantity=0.0,
            price_unit=0.0,
            price_subtotal=0.0,
            price_total=0.0,
            discount_amount_currency=None,
            discount_balance=None,
            tax_repartition_line_id=repartition.id,
            tax_line_id=tax.id,
            tax_group_id=tax.tax_group_id.id or None,
            group_tax_id=tax_line["group_tax_id"] or None,
            tax_base_amount=tax_line["tax_base_amount"],
            tax_tag_invert=True,
        )

    @api.model
    def _balance_columns(self, account, balance, currency):
        """Debit, credit, balance and residual columns of a product or tax line:
        a residual only on accounts that reconcile (or cash / credit card)."""
        with_residual = account.reconcile or account.account_type in (
            "asset_cash",
            "liability_credit_card",
        )
        residual = balance if with_residual else 0.0
        return {
            "debit": balance if balance > 0.0 else 0.0,
            "credit": -balance if balance < 0.0 else 0.0,
            "balance": balance,
            "amount_currency": balance,
            "amount_residual": residual,
            "amount_residual_currency": residual,
            "reconciled": bool(with_residual and currency.is_zero(balance)),
        }

    @api.model
    def _product_line_name(self, product, lang):
        """account.move.line._compute_name for a product line without a label."""
        if not product:
            return False
        product = product.with_context(lang=lang) if lang else product
        values = [product.display_name]
        if product.description_sale:
            values.append(product.description_sale)
        return "\n".join(values)

    # ------------------------------------------------------------------
    # Numbering
    # ------------------------------------------------------------------
    @api.model
    def _assign_sequence_numbers(self, moves, move_rows, ctx):
        """Names for ``moves`` (in their order), exactly as _compute_name would
        give them, sharing sequence.mixin's lock and per-transaction cache.

        :return: (names, ids of the moves inserted here, named '/')
        """
        Move = self.env["account.move"]
        cache = Move._get_sequence_cache()
        # The format of a (journal, date) depends only on what is posted
        # already: read it once per pair, before numbering anything, on the
        # pair's first move, inserted alone for that (and for the lock).
        firsts = {}
        for move, row in zip(moves, move_rows, strict=True):
            firsts.setdefault((row["journal_id"], row["date"]), (move, row))
        columns = ["id", *ctx["move_columns"]]
        self.env.cr.execute_values(
            'INSERT INTO "account_move" ({}) VALUES %s'.format(
                ", ".join(f'"{c}"' for c in columns)
            ),
            [tuple(row.get(c) for c in columns) for _move, row in firsts.values()],
        )
        formats = {}
        for key, (move, _row) in firsts.items():
            if key not in formats:
                format_string, format_values = move._get_next_sequence_format()
                last = format_values.pop("seq")
                cache_key = (format_string.format(**format_values, seq=0), move.journal_id)
                formats[key] = (move, format_string, format_values, cache_key, last)
        names = []
        for row in move_rows:
            move, format_string, format_values, cache_key, last = formats[
                (row["journal_id"], row["date"])
            ]
            if cache_key not in cache:
                # Lock the first number through the unique index (waits for, and
                # steps over, numbers held by concurrent transactions).
                name = move._locked_increment(format_string, dict(format_values, seq=last))
            else:
                cache[cache_key] += 1
                name = format_string.format(**format_values, seq=cache[cache_key])
            names.append(name)
        return names, {move.id for move, _row in firsts.values()}

    @api.model
    def _compute_payment_references(self, moves, move_rows, names, ctx):
        """account.move._compute_payment_reference at posting."""
        refs = []
        todo = []
        for index, (move, row, name) in enumerate(zip(moves, move_rows, names, strict=True)):
            if row["payment_reference"]:
                refs.append(row["payment_reference"])
                continue
            journal = ctx["journals"][row["journal_id"]]
            if (journal.invoice_reference_type, journal.invoice_reference_model) == (
                "invoice",
                "odoo",
            ):
                refs.append(name)
            else:
                refs.append(None)
                todo.append((index, move, name))
        if todo:
            # Other reference models read the move (not in the table yet): give
            # the ORM what they read.
            Move = self.env["account.move"]
            todo_moves = Move.browse(move.id for _i, move, _n in todo)
            for fname, values in (
                ("name", [name for _i, _m, name in todo]),
                ("journal_id", [move_rows[i]["journal_id"] for i, _m, _n in todo]),
                ("partner_id", [move_rows[i]["partner_id"] for i, _m, _n in todo]),
            ):
                self.env.cache.update(todo_moves, Move._fields[fname], values)
            for index, move, _name in todo:
                refs[index] = move._get_invoice_computed_reference()
            Move.invalidate_model(["name", "journal_id", "partner_id"], flush=False)
        return refs

    # ------------------------------------------------------------------
    # After the rows are in
    # ------------------------------------------------------------------
    @api.model
    def _finalize_fast_invoices(self, moves, lines, move_rows, ctx):
        env = self.env
        sql = env["utility.sql.writer"]
        # The ORM saw none of the rows: drop what it may hold about them, and
        # the x2many caches of records listing moves or lines.
        sql._forget_inserted(["account.move", "account.move.line"])
        # The dependency walk below reads the relations of the new records:
        # give it the values just written (and the empty one2many lists of
        # the new lines, which no row can reference yet) instead of fetching
        # every column of every new line back from the database.
        sql._cache_written_relations(moves, ctx["move_columns"], move_rows)
        if "line_rows" in ctx:
            sql._cache_written_relations(lines, *ctx["line_rows"], new_one2many_empty=True)
        # Stored fields of other models depending on the new records; the new
        # records themselves are complete and must not be recomputed, but for
        # the stored computed fields of other modules. With before=True the
        # marking happens after the traversal, so nothing of ours gets
        # computed while the ORM walks the dependencies.
        sql._mark_inserted(
            [
                (
                    moves,
                    self._get_creation_trigger_fields("account.move"),
                    ctx["move_to_compute"],
                ),
                (
                    lines,
                    self._get_creation_trigger_fields("account.move.line"),
                    ctx["line_to_compute"],
                ),
            ],
            before=True,
        )

        self._hash_fast_invoices(moves)
        self._subscribe_and_log(moves, move_rows)
        self._increase_customer_ranks(move_rows)
        zero = moves.browse(
            move.id
            for move, row in zip(moves, move_rows, strict=True)
            if row["payment_state"] == "paid"
        )
        if zero:
            zero._invoice_paid_hook()

    @api.model
    @tools.ormcache("model_name")
    def _get_creation_trigger_fields(self, model_name):
        """Stored fields of ``model_name`` whose value on a new record can make
        fields of other models to recompute (what ``modified(create=True)``
        would find: no record references a new one through a many2one)."""
        own = ("account.move", "account.move.line")

        def reaches_other_models(tree, create):
            if any(field.model_name not in own for field in tree.root):
                return True
            return any(
                reaches_other_models(subtree, False)
                for key, subtree in tree.items()
                if not (create and key.type in ("many2one", "many2one_reference"))
            )

        registry = self.env.registry
        return tuple(
            fname
            for fname, field in self.env[model_name]._fields.items()
            if field.store and reaches_other_models(registry.get_field_trigger_tree(field), True)
        )

    @api.model
    def _hash_fast_invoices(self, moves):
        """account.move._hash_moves, with one UPDATE instead of a write per move."""
        restricted = moves.filtered(lambda m: m.journal_id.restrict_mode_hash_table)
        if not restricted:
            return
        rows = []
        grant_secure_group_access = False
        for chain in restricted._get_chains_to_hash():
            move_hashes = chain["moves"]._calculate_hashes(chain["previous_hash"])
            rows += [(move.id, move_hash) for move, move_hash in move_hashes.items()]
            if not chain["journal_restrict_mode"]:
                grant_secure_group_access = True
            self._log_secured_messages(chain["moves"])
        if rows:
            self.env.cr.execute_values(
                """
                UPDATE account_move m SET inalterable_hash = v.hash
                  FROM (VALUES %s) AS v(id, hash) WHERE m.id = v.id
                """,
                rows,
                page_size=len(rows),
            )
            self.env["account.move"].invalidate_model(["inalterable_hash"])
        if grant_secure_group_access:
            self.env["res.groups"]._activate_group_account_secured()

    @api.model
    def _subscribe_and_log(self, moves, move_rows):
        """Followers and creation message, as mail.thread.create and _post give them."""
        env = self.env
        # What mail.thread.create does is skipped with tracking_disable, what
        # _post does (subscribing the customer) is not.
        create_logs = not env.context.get("tracking_disable")
        default, _internal, external = env["mail.message.subtype"].default_subtypes("account.move")
        user = env.user
        follower_rows = []
        # mail.thread.create subscribes the current user...
        user_subscribed = (
            create_logs and not env.context.get("mail_create_nosubscribe") and user.active
        )
        if user_subscribed:
            follower_rows += [(move.id, user.partner_id.id, default.ids) for move in moves]
        # ... and _post the customer (active partners only, external subtypes
        # for portal/public partners).
        customers = env["res.partner"].browse({row["partner_id"] for row in move_rows})
        active = set(customers.filtered("active").ids)
        share = set(customers.filtered("partner_share").ids)
        for move, row in zip(moves, move_rows, strict=True):
            partner_id = row["partner_id"]
            if partner_id not in active or (user_subscribed and partner_id == user.partner_id.id):
                continue
            is_customer = partner_id in share and partner_id != user.partner_id.id
            follower_rows.append(
                (move.id, partner_id, external.ids if is_customer else default.ids)
            )
        if follower_rows:
            follower_ids = self.env["utility.sql.writer"]._insert_rows(
                "mail_followers",
                ["res_model", "res_id", "partner_id"],
                [("account.move", res_id, partner_id) for res_id, partner_id, _s in follower_rows],
            )
            rel_rows = [
                (follower_id, subtype_id)
                for follower_id, (_r, _p, subtype_ids) in zip(
                    follower_ids, follower_rows, strict=True
                )
                for subtype_id in subtype_ids
            ]
            if rel_rows:
                env.cr.execute_values(
                    "INSERT INTO mail_followers_mail_message_subtype_rel "
                    "(mail_followers_id, mail_message_subtype_id) VALUES %s",
                    rel_rows,
                    page_size=len(rel_rows),
                )
            env["mail.followers"].invalidate_model()
            env["account.move"].invalidate_model(["message_follower_ids", "message_partner_ids"])
        if not create_logs or env.context.get("mail_create_nolog"):
            return
        # mail.thread.create: message_post(creation subtype) by the current user.
        first = moves[:1]
        subtype = first._creation_subtype()
        # The record's display name when message_post ran: a draft, with its reference.
        draft_name = env["account.move"].new({"move_type": "out_invoice"})._get_move_display_name()
        body = (
            Markup('<div summary="o_mail_notification"><p>%s</p></div>') % first._creation_message()
        )
        author_id, email_from = first._message_compute_author(None, None, raise_on_email=False)
        reply_to = moves._notify_get_reply_to(default=email_from)
        self._insert_messages(
            [
                {
                    "res_id": move.id,
                    "record_company_id": row["company_id"],
                    "record_name": draft_name
                    + (f" ({shorten(row['ref'], width=50)})" if row.get("ref") else ""),
                    "subtype_id": subtype.id,
                    "body": body,
                    "author_id": author_id,
                    "email_from": email_from,
                    "reply_to": reply_to.get(move.id),
                    "message_id": generate_tracking_message_id(f"{move.id}-account.move"),
                    "email_add_signature": True,
                }
                for move, row in zip(moves, move_rows, strict=True)
            ]
        )

    @api.model
    def _log_secured_messages(self, moves):
        """_message_log_batch("This journal entry has been secured."), in one INSERT."""
        author_id, email_from = moves[:1]._message_compute_author(None, None, raise_on_email=False)
        body = escape(self.env._("This journal entry has been secured."))
        message_id = generate_tracking_message_id("message-notify")
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False]
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        self._insert_messages(
            [
                {
                    "res_id": move.id,
                    "subtype_id": subtype_id,
                    "body": body,
                    "author_id": author_id,
                    "email_from": email_from,
                    "reply_to": reply_to,
                    "message_id": message_id,
                    "is_internal": True,
                    "email_add_signature": False,
                }
                for move in moves
            ]
        )

    @api.model
    def _insert_messages(self, rows):
        """Chatter messages on account.move, stored as mail.message.create would."""
        now = self.env.cr.now()
        common = {
            "model": "account.move",
            "message_type": "notification",
            "date": fields.Datetime.now(),
            "create_uid": self.env.uid,
            "write_uid": self.env.uid,
            "create_date": now,
            "write_date": now,
        }
        columns = list(common) + sorted({key for row in rows for key in row})
        values = [
            tuple(
                str(value) if isinstance(value, Markup) else value
                for value in (row.get(column, common.get(column)) for column in columns)
            )
            for row in rows
        ]
        self.env["utility.sql.writer"]._insert_rows("mail_message", columns, values)
        self.env["mail.message"].invalidate_model()
        self.env["account.move"].invalidate_model(["message_ids"])

    @api.model
    def _increase_customer_ranks(self, move_rows):
        """account.move._post: each invoice raises the rank of its partner and
        of the partner's company, grouped so one UPDATE serves many partners."""
        partners = self.env["res.partner"].browse({row["partner_id"] for row in move_rows})
        increments = defaultdict(int)
        for row in move_rows:
            partner = partners.browse(row["partner_id"])
            for pid in {partner.id, partner.commercial_partner_id.id}:
                increments[pid] += 1
        by_count = defaultdict(list)
        for pid, count in increments.items():
            by_count[count].append(pid)
        for count, pids in by_count.items():
            partners.browse(pids)._increase_rank("customer_rank", count)
