# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bring a city's accounts over from its legacy billing system.

A batch is one accounts file (see ``lib/conversion_files.py`` for its
columns). *Check* validates every row against the file's own rules and the
database (codes, duplicates, meters already in the field) and shows the
control totals of the file; nothing is created. *Load* creates every customer,
premise, meter, account, service, opening reading and deposit in a few batched
calls, posts the opening balances and the deposits held, then computes the
same control totals again from what the database now holds. *Finish* computes
them once more and refuses unless every one agrees with the file. *Roll Back*
removes the whole batch as long as no bill, payment or fee was posted on its
accounts.

The ledger, as an accountant opens a subledger:

- each account's open balance is one posted *Opening Balance* invoice in the
  conversion journal, a line per service (its service type, so payments are
  split by service as on any bill), due on the legacy due date (so the
  customer's first payments pay it first, oldest first), debiting the
  customer's receivable and crediting the conversion clearing account, not
  revenue (the legacy system recognized it); a credit balance is a credit
  note;
- the deposits held are one entry crediting Customer Deposits per account
  against the clearing account: no cash moves, the money is already in the
  city's bank. Closing the legacy receivable and deposits into the clearing
  account leaves it at zero.
"""

import base64
import time
from collections import defaultdict
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import conversion_files
from ..lib.conversion_files import ZERO
from .utility_locked_fields_mixin import as_action

BILLING_GROUP = "utility_billing.group_utility_billing"
SUPERVISOR_GROUP = "utility_billing.group_utility_supervisor"
# The ORM's bookkeeping a load of thousands of records does not need: the
# batch's own chatter says what was created.
QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}
STATES = [
    ("draft", "To Check"),
    ("checked", "Checked"),
    ("loaded", "Loaded"),
    ("done", "Finished"),
    ("rolled_back", "Rolled Back"),
]


class UtilityConversionBatch(models.Model):
    _name = "utility.conversion.batch"
    _description = "Conversion from a Legacy System"
    _inherit = ["mail.thread", "utility.locked.fields.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="File Name", required=True)
    file_data = fields.Binary(string="Accounts File", required=True, attachment=True)
    checksum = fields.Char(string="SHA-256", readonly=True, copy=False, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(STATES, default="draft", required=True, readonly=True, tracking=True)
    date_conversion = fields.Date(
        string="Conversion Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Accounting date of the opening balances and deposits.",
    )
    problems = fields.Text(readonly=True, help="What Check found wrong, row by row.")
    row_count = fields.Integer(string="Rows", readonly=True)
    total_ids = fields.One2many(
        "utility.conversion.total", "batch_id", string="Control Totals", readonly=True
    )
    is_balanced = fields.Boolean(
        string="Totals Agree",
        compute="_compute_is_balanced",
        help="Every control total of the file equals what was created.",
    )
    account_ids = fields.One2many(
        "utility.account", "conversion_batch_id", string="Accounts", readonly=True
    )
    account_count = fields.Integer(compute="_compute_counts")
    move_ids = fields.One2many(
        "account.move", "utility_conversion_batch_id", string="Journal Entries", readonly=True
    )
    move_count = fields.Integer(compute="_compute_counts")
    user_load_id = fields.Many2one("res.users", string="Loaded By", readonly=True)
    date_load = fields.Datetime(string="Loaded On", readonly=True)
    load_seconds = fields.Float(string="Load Time (s)", readonly=True, digits=(12, 1))

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("total_ids.is_match")
    def _compute_is_balanced(self):
        for batch in self:
            batch.is_balanced = bool(batch.total_ids) and all(batch.total_ids.mapped("is_match"))

    def _compute_counts(self):
        accounts = dict(
            self.env["utility.account"]._read_group(
                [("conversion_batch_id", "in", self.ids)], ["conversion_batch_id"], ["__count"]
            )
        )
        moves = dict(
            self.env["account.move"]
            .sudo()
            ._read_group(
                [("utility_conversion_batch_id", "in", self.ids)],
                ["utility_conversion_batch_id"],
                ["__count"],
            )
        )
        for batch in self:
            batch.account_count = accounts.get(batch, 0)
            batch.move_count = moves.get(batch.sudo(), 0)

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        return super()._get_action_fields() | {
            "state",
            "checksum",
            "problems",
            "row_count",
            "user_load_id",
            "date_load",
            "load_seconds",
        }

    def _get_action_fields_message(self, names, creating=False):
        return self.env._(
            "A conversion's status and results change through its buttons only (Check, "
            "Load, Finish, Roll Back)."
        )

    def _get_locked_records(self):
        return self.filtered(lambda b: b.state in ("loaded", "done", "rolled_back"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_loaded(self):
        if self.filtered(lambda b: b.state in ("loaded", "done")):
            raise UserError(self.env._("A loaded conversion is not deleted: roll it back instead."))

    def _check_role(self, group=BILLING_GROUP):
        if not self.env.user.has_group(group):
            raise AccessError(
                self.env._("Only billing specialists and supervisors convert accounts.")
                if group == BILLING_GROUP
                else self.env._("Only a supervisor rolls a conversion back.")
            )

    def _check_state(self, states, action):
        wrong = self.filtered(lambda b: b.state not in states)
        if wrong:
            raise UserError(
                self.env._(
                    "%(action)s does not apply to a conversion that is %(state)s.",
                    action=action,
                    state=dict(STATES)[wrong[0].state],
                )
            )

    @api.onchange("file_data")
    def _onchange_file_data(self):
        # A new file must be checked again.
        if self.state == "checked":
            self.state = "draft"

    def write(self, vals):
        if "file_data" in vals and not self.env.context.get("utility_locked_action"):
            checked = self.filtered(lambda b: b.state == "checked")
            if checked:
                as_action(checked).write({"state": "draft"})
        return super().write(vals)

    # ------------------------------------------------------------------
    # Check
    # ------------------------------------------------------------------
    def _read_file(self, check_database=True):
        """Parse the file and check it against the database.

        :param check_database: also look up its codes, accounts and meters
        :return: (ParseResult, lookups dict, problems list)
        """
        self.ensure_one()
        company = self.company_id
        data = self.with_context(bin_size=False).file_data or b""
        company._check_utility_import_size(data, self.name)
        content = base64.b64decode(data)
        result = conversion_files.parse_accounts(content, company._get_utility_import_max_amount())
        problems = list(result.problems)
        if not check_database:
            return result, {}, problems
        lookups = self._get_lookups(result)
        problems += self._get_database_problems(result, lookups)
        return result, lookups, problems

    def _get_lookups(self, result):
        """Every list the file's codes are matched in, by upper-cased code: the
        city's configuration lists are short, read whole (one query each)."""
        company = self.company_id
        rows = result.rows
        in_company = [("company_id", "in", (company.id, False))]

        def by_code(records):
            return {record.code.upper(): record for record in records if record.code}

        return {
            "types": by_code(
                self.env["utility.service.type"].search(
                    self.env["utility.service.type"]._check_company_domain(company)
                )
            ),
            "rates": by_code(
                self.env["utility.rate.schedule"]
                .sudo()
                .search([*in_company, ("is_fee_schedule", "=", False)])
            ),
            "classes": by_code(self.env["utility.customer.class"].search([("code", "!=", False)])),
            "routes": by_code(self.env["utility.route"].search(in_company)),
            "sizes": by_code(self.env["utility.meter.size"].search([("code", "!=", False)])),
            "cart_sizes": by_code(self.env["utility.cart.size"].search([("code", "!=", False)])),
            "states": {
                s.code.upper(): s
                for s in self.env["res.country.state"].search(
                    [
                        ("country_id", "=", (company.country_id or self.env.ref("base.us")).id),
                        ("code", "in", list({r.mailing.get("state", "").upper() for r in rows})),
                    ]
                )
            },
        }

    def _get_database_problems(self, result, lookups):
        """What the database refuses: unknown codes, accounts or meters already there."""
        company = self.company_id
        rows = result.rows
        existing_accounts = set(
            self.env["utility.account"]
            .sudo()
            .search([("company_id", "=", company.id), ("name", "in", [r.account for r in rows])])
            .mapped("name")
        )
        meters = {
            m.name: m
            for m in self.env["utility.meter"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("name", "in", [r.meter for r in rows if r.meter]),
                ]
            )
        }
        problems = []
        for code in result.balance_codes:
            if code not in lookups["types"]:
                problems.append(
                    self.env._(
                        "The column 'balance_%(code)s' names no service type of the city.",
                        code=code.lower(),
                    )
                )
        for row in rows:
            found = self._get_code_problems(row, lookups)
            if row.account in existing_accounts:
                found.append(
                    self.env._("the account %(account)s already exists", account=row.account)
                )
            found += self._get_meter_problems(meters.get(row.meter))
            problems += [
                self.env._(
                    "Row %(row)s (account %(account)s): %(problem)s.",
                    row=row.row,
                    account=row.account,
                    problem=problem,
                )
                for problem in found
            ]
        return problems

    def _get_code_problems(self, row, lookups):
        """The codes of one row that name nothing of the city's, or the wrong thing."""
        found = []
        for kind, code, label in (
            ("classes", row.customer_class, self.env._("class")),
            ("routes", row.route, self.env._("route")),
            ("sizes", row.meter_size, self.env._("meter size")),
            ("cart_sizes", row.cart_size, self.env._("cart size")),
            ("states", row.mailing.get("state", "").upper(), self.env._("mailing state")),
        ):
            if code and code not in lookups[kind]:
                found.append(self.env._("the %(what)s %(code)s is unknown", what=label, code=code))
        found += self._get_service_problems(row, lookups)
        return found

    def _get_service_problems(self, row, lookups):
        found = []
        metered = False
        for type_code, rate_code in row.services:
            service_type = lookups["types"].get(type_code)
            schedule = lookups["rates"].get(rate_code)
            if not service_type:
                found.append(self.env._("the service %(code)s is unknown", code=type_code))
                continue
            metered = metered or service_type.is_metered
            if not schedule:
                found.append(self.env._("the rate code %(code)s is unknown", code=rate_code))
            elif schedule.service_type_id != service_type:
                found.append(
                    self.env._(
                        "the rate code %(rate)s prices %(other)s, not %(service)s",
                        rate=rate_code,
                        other=schedule.service_type_id.name,
                        service=service_type.name,
                    )
                )
        if metered and not row.meter:
            found.append(self.env._("a metered service needs a meter number"))
        if row.meter and not metered and row.services:
            found.append(self.env._("a meter is given but no service is metered"))
        return found

    def _get_meter_problems(self, meter):
        if meter and meter.state == "installed":
            return [
                self.env._(
                    "the meter %(meter)s is already installed at %(premise)s",
                    meter=meter.name,
                    premise=meter.location_id.name,
                )
            ]
        if meter:
            return [
                self.env._(
                    "the meter %(meter)s is already in the meter inventory", meter=meter.name
                )
            ]
        return []

    def action_check(self):
        """Validate the file and show its control totals; nothing is created."""
        self._check_role()
        self._check_state(("draft", "checked"), self.env._("Check"))
        for batch in self:
            result, _lookups, problems = batch._read_file()
            batch._check_not_loaded(result.checksum)
            values = {
                "checksum": result.checksum,
                "row_count": len(result.rows),
                "problems": "\n".join(problems) or False,
                "state": "draft" if problems else "checked",
            }
            as_action(batch).write(values)
            batch.total_ids.sudo().unlink()
            if not problems:
                batch._write_totals(conversion_files.control_totals(result.rows), None)
        return True

    def _check_not_loaded(self, checksum):
        """The same file is loaded once (a rolled-back load frees it)."""
        done = self.sudo().search(
            [
                ("checksum", "=", checksum),
                ("company_id", "=", self.company_id.id),
                ("state", "in", ("loaded", "done")),
                ("id", "!=", self.id),
            ],
            limit=1,
        )
        if done:
            raise UserError(
                self.env._(
                    "This file was already loaded by %(user)s (conversion %(batch)s). "
                    "Nothing was created.",
                    user=done.user_load_id.name,
                    batch=done.name,
                )
            )

    # ------------------------------------------------------------------
    # Control totals
    # ------------------------------------------------------------------
    def _get_total_labels(self, keys):
        types = {
            t.code.upper(): t.name
            for t in self.env["utility.service.type"].search(
                self.env["utility.service.type"]._check_company_domain(self.company_id)
            )
        }
        labels = {
            "accounts": self.env._("Accounts"),
            "customers": self.env._("Customers"),
            "premises": self.env._("Premises"),
            "meters": self.env._("Meters"),
            "deposits": self.env._("Deposits held"),
            "balance": self.env._("Open balance, all services"),
        }
        for key in keys:
            kind, _sep, code = key.partition(":")
            if kind == "services":
                labels[key] = self.env._("%(service)s services", service=types.get(code, code))
            elif kind == "balance" and code:
                labels[key] = self.env._("%(service)s balance", service=types.get(code, code))
        return labels

    def _write_totals(self, from_file, loaded):
        """(Re)write the control total lines: the file's, and what was created."""
        self.ensure_one()
        order = ["accounts", "customers", "premises", "meters"]
        keys = set(from_file) | set(loaded or {})
        order += sorted(k for k in keys if k.startswith("services:"))
        order += ["deposits"]
        order += sorted(k for k in keys if k.startswith("balance:"))
        order += ["balance"]
        labels = self._get_total_labels(keys)
        existing = {total.key: total for total in self.total_ids}
        vals_list = []
        for sequence, key in enumerate(order):
            is_amount = key in ("deposits", "balance") or key.startswith("balance:")
            file_value = from_file.get(key, 0) if from_file is not None else None
            vals = {
                "batch_id": self.id,
                "sequence": sequence,
                "key": key,
                "name": labels[key],
                "is_amount": is_amount,
            }
            if file_value is not None:
                vals["amount_file" if is_amount else "count_file"] = float(file_value)
            if loaded is not None:
                vals["is_loaded"] = True
                vals["amount_loaded" if is_amount else "count_loaded"] = float(loaded.get(key, 0))
            if key in existing:
                existing[key].sudo().write(vals)
            else:
                vals_list.append(vals)
        self.env["utility.conversion.total"].sudo().create(vals_list)

    def _get_loaded_totals(self):
        """The control totals computed again from the database: what the batch's
        accounts hold and what its journal entries posted (grouped queries)."""
        self.ensure_one()
        self.env.flush_all()
        mine = [("conversion_batch_id", "=", self.id)]
        totals = defaultdict(lambda: ZERO)
        # Grouped counts only: a batch holds tens of thousands of records.
        Account = self.env["utility.account"].sudo()
        aggregates = ["__count", "partner_id:count_distinct", "location_id:count_distinct"]
        for count, customers, premises in Account._read_group(mine, [], aggregates):
            totals.update(accounts=count, customers=customers, premises=premises)
        Service = self.env["utility.account.service"].sudo()
        # By ids, without ordering by account: the planner's statistics do not
        # know yet the rows this very load inserted.
        services = [("account_id", "in", Account.search(mine, order="id").ids)]
        for (meters,) in Service._read_group(services, [], ["meter_id:count_distinct"]):
            totals["meters"] = meters
        for service_type, count in Service._read_group(services, ["service_type_id"], ["__count"]):
            totals[f"services:{service_type.code.upper()}"] = count
        Line = self.env["account.move.line"].sudo()
        company = self.company_id
        deposit_account = company._get_utility_deposit_account()
        clearing = company._get_utility_conversion_account()
        posted = [
            ("move_id.utility_conversion_batch_id", "=", self.id),
            ("parent_state", "=", "posted"),
        ]
        for (balance,) in Line._read_group(
            [*posted, ("account_id", "=", deposit_account.id)], [], ["balance:sum"]
        ):
            totals["deposits"] = -Decimal(str(company.currency_id.round(balance or 0.0)))
        for service_type, balance in Line._read_group(
            [
                *posted,
                ("account_id", "=", clearing.id),
                ("utility_service_type_id", "!=", False),
            ],
            ["utility_service_type_id"],
            ["balance:sum"],
        ):
            totals[f"balance:{service_type.code.upper()}"] = -Decimal(
                str(company.currency_id.round(balance))
            )
        for (balance,) in Line._read_group(
            [*posted, ("account_id.account_type", "=", "asset_receivable")], [], ["balance:sum"]
        ):
            totals["balance"] = Decimal(str(company.currency_id.round(balance or 0.0)))
        return dict(totals)

    # ------------------------------------------------------------------
    # Load
    # ------------------------------------------------------------------
    def action_load(self):
        """Create everything the file holds, post the opening balances and the
        deposits, and compute the control totals again from the database."""
        self._check_role()
        self._check_state(("checked",), self.env._("Load"))
        for batch in self:
            batch._load()
        return True

    def _load(self):
        self.ensure_one()
        started = time.monotonic()
        result, lookups, problems = self._read_file()
        if result.checksum != self.checksum or problems:
            raise UserError(
                self.env._("The file changed or no longer passes the check: check it again.")
            )
        self._check_not_loaded(result.checksum)
        rows = result.rows
        # The clerk's rights were checked; the records and the ledger are written
        # as the load (superuser), the clerk stays the author of the messages.
        env = self.sudo().with_context(**QUIET).env
        accounts = self._create_accounts(env, rows, lookups)
        self._post_opening_balances(env, rows, accounts, lookups)
        self._post_deposits(env, rows, accounts)
        as_action(self).write(
            {
                "state": "loaded",
                "user_load_id": self.env.uid,
                "date_load": fields.Datetime.now(),
                "load_seconds": time.monotonic() - started,
            }
        )
        self._write_totals(conversion_files.control_totals(rows), self._get_loaded_totals())
        self.message_post(
            body=self.env._(
                "%(count)s accounts loaded in %(seconds)s seconds.",
                count=len(rows),
                seconds=f"{self.load_seconds:.1f}",
            )
        )

    def _create_accounts(self, env, rows, lookups):
        """Customers, premises, meters, accounts, services, installs and opening
        readings: one ``create`` per model for the whole file.

        :return: the accounts, aligned with ``rows``
        """
        company = self.company_id
        partner_vals = {}
        for row in rows:
            if row.customer_key in partner_vals:
                continue
            mailing = (
                row.mailing
                if row.mailing.get("street")
                else {
                    "street": row.street,
                    "city": row.city,
                    "zip": row.zip,
                    "state": "",
                }
            )
            state = lookups["states"].get(mailing.get("state", "").upper())
            partner_vals[row.customer_key] = {
                "name": row.customer,
                "ref": row.customer_number or False,
                "phone": row.phone or False,
                "email": row.email or False,
                "street": mailing.get("street") or False,
                "city": mailing.get("city") or False,
                "zip": mailing.get("zip") or False,
                "state_id": state.id if state else False,
                "country_id": (state.country_id.id if state else company.country_id.id) or False,
                "customer_rank": 1,
            }
        partners = dict(
            zip(
                partner_vals,
                env["res.partner"].create(list(partner_vals.values())),
                strict=True,
            )
        )
        location_vals = {}
        for row in rows:
            location_vals.setdefault(
                row.premise_key,
                {
                    "street": row.street,
                    "street2": row.unit or False,
                    "city": row.city or company.city or False,
                    "zip": row.zip or False,
                    "state_id": company.state_id.id or False,
                    "country_id": company.country_id.id or False,
                    "customer_class": lookups["classes"][row.customer_class].id,
                    "route_id": lookups["routes"][row.route].id,
                    "company_id": company.id,
                },
            )
        locations = dict(
            zip(
                location_vals,
                env["utility.service.location"].create(list(location_vals.values())),
                strict=True,
            )
        )
        metered_rows = [row for row in rows if row.meter]
        meters = env["utility.meter"].create(
            [
                {
                    "name": row.meter,
                    "unit": row.meter_unit,
                    "company_id": company.id,
                    "state": "installed",
                    "location_id": locations[row.premise_key].id,
                    **({"size": lookups["sizes"][row.meter_size].id} if row.meter_size else {}),
                }
                for row in metered_rows
            ]
        )
        meter_of = dict(zip((row.row for row in metered_rows), meters, strict=True))
        accounts = as_action(env["utility.account"]).create(
            [
                {
                    "name": row.account,
                    "partner_id": partners[row.customer_key].id,
                    "location_id": locations[row.premise_key].id,
                    "company_id": company.id,
                    "state": "active",
                    "date_start": self._get_date_start(row),
                    "conversion_batch_id": self.id,
                }
                for row in rows
            ]
        )
        service_vals = []
        for row, account in zip(rows, accounts, strict=True):
            for type_code, rate_code in row.services:
                service_type = lookups["types"][type_code]
                vals = {
                    "account_id": account.id,
                    "service_type_id": service_type.id,
                    "rate_schedule_id": lookups["rates"][rate_code].id,
                    "date_start": self._get_date_start(row),
                    "state": "active",
                }
                if service_type.is_metered:
                    vals["meter_id"] = meter_of[row.row].id
                if service_type.billing_basis == "carts":
                    vals["cart_count"] = row.carts
                    if row.cart_size:
                        vals["cart_size"] = lookups["cart_sizes"][row.cart_size].id
                if service_type.billing_basis == "eru":
                    vals["eru_count"] = float(row.erus)
                service_vals.append(vals)
        services = as_action(env["utility.account.service"]).create(service_vals)
        metered = {service.account_id.id: service for service in services if service.meter_id}
        opening = []
        install_vals = []
        for row, account in zip(rows, accounts, strict=True):
            service = metered.get(account.id)
            if not service:
                continue
            install_vals.append(
                {
                    "meter_id": service.meter_id.id,
                    "service_id": service.id,
                    "location_id": account.location_id.id,
                    "date_install": row.last_read_date,
                    "initial_read": float(row.last_read),
                    "reason": "new",
                    "note": self.env._("Brought from the legacy system."),
                }
            )
            opening.append(
                {
                    "meter_id": service.meter_id.id,
                    "service_id": service.id,
                    "date": row.last_read_date,
                    "value": float(row.last_read),
                    "read_type": "initial",
                    "note": self.env._("Last reading of the legacy system (conversion)."),
                }
            )
        env["utility.meter.install"].create(install_vals)
        env["utility.meter.reading"].create(opening)
        return accounts.with_env(self.env)

    def _get_date_start(self, row):
        """Service starts on the legacy system's last read: the first bill here
        runs from it (what the legacy system billed ends there)."""
        return row.last_read_date or self.date_conversion

    def _post_opening_balances(self, env, rows, accounts, lookups):
        """One posted Opening Balance invoice per account owing (a credit note per
        account in credit): a line per service, crediting the clearing account."""
        company = self.company_id
        clearing = company._get_utility_conversion_account()
        journal = company._get_utility_conversion_journal()
        vals_list = []
        for row, account in zip(rows, accounts, strict=True):
            amounts = {code: amount for code, amount in row.balances.items() if amount}
            if not amounts:
                continue
            total = sum(amounts.values(), ZERO)
            sign = -1 if total < 0 else 1
            date_due = row.balance_due_date or self.date_conversion
            vals_list.append(
                {
                    "move_type": "out_refund" if sign < 0 else "out_invoice",
                    "partner_id": account.partner_id.id,
                    "journal_id": journal.id,
                    "invoice_date": self.date_conversion,
                    "date": self.date_conversion,
                    "invoice_date_due": date_due,
                    "ref": self.env._("Balance brought from the legacy system"),
                    "utility_account_id": account.id,
                    "utility_location_id": account.location_id.id,
                    "utility_bill_kind": "conversion",
                    "utility_conversion_batch_id": self.id,
                    "lines": [
                        {
                            "name": self.env._(
                                "%(service)s balance brought from the legacy system",
                                service=lookups["types"][code].name,
                            ),
                            "product_id": lookups["types"][code].product_id.id,
                            "account_id": clearing.id,
                            "quantity": 1.0,
                            "price_unit": float(amount * sign),
                            "tax_ids": [],
                            "utility_service_type_id": lookups["types"][code].id,
                        }
                        for code, amount in amounts.items()
                    ],
                }
            )
        invoices = [vals for vals in vals_list if vals["move_type"] == "out_invoice"]
        refunds = [vals for vals in vals_list if vals["move_type"] == "out_refund"]
        moves = env["utility.bill.builder"]._create_posted_moves(invoices)
        if refunds:
            for vals in refunds:
                vals["invoice_line_ids"] = [Command.create(line) for line in vals.pop("lines")]
            credit_notes = env["account.move"].create(refunds)
            credit_notes.action_post()
            moves |= credit_notes
        return moves

    def _post_deposits(self, env, rows, accounts):
        """The deposits held: a Held deposit per account and one entry crediting
        Customer Deposits per account against the clearing account (no cash)."""
        held = [(row, account) for row, account in zip(rows, accounts, strict=True) if row.deposit]
        if not held:
            return env["account.move"]
        company = self.company_id
        env["utility.customer.deposit"].create(
            [
                {
                    "account_id": account.id,
                    "amount": float(row.deposit),
                    "date": row.deposit_date or self.date_conversion,
                    "conversion_batch_id": self.id,
                }
                for row, account in held
            ]
        )
        liability = company._get_utility_deposit_account()
        label = self.env._("Deposit held in the legacy system")
        lines = [
            Command.create(
                {
                    "name": label,
                    "account_id": liability.id,
                    "partner_id": account.partner_id.id,
                    "utility_account_id": account.id,
                    "balance": -float(row.deposit),
                }
            )
            for row, account in held
        ]
        total = sum((row.deposit for row, _account in held), ZERO)
        lines.append(
            Command.create(
                {
                    "name": self.env._("Deposits held in the legacy system"),
                    "account_id": company._get_utility_conversion_account().id,
                    "balance": float(total),
                }
            )
        )
        move = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": company._get_utility_conversion_journal().id,
                "date": self.date_conversion,
                "ref": self.env._("Deposits held, conversion %(batch)s", batch=self.name),
                "utility_conversion_batch_id": self.id,
                "line_ids": lines,
            }
        )
        move.action_post()
        return move

    def action_view_accounts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "utility_billing.utility_account_action"
        )
        action["domain"] = [("conversion_batch_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_moves(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Conversion Entries"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("utility_conversion_batch_id", "=", self.id)],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # Finish and roll back
    # ------------------------------------------------------------------
    def action_finish(self):
        """Compute the control totals again from the database; finish only when
        every one agrees with the file."""
        self._check_role()
        self._check_state(("loaded",), self.env._("Finish"))
        for batch in self:
            # The file's own totals: its accounts now exist, by design.
            result, _lookups, _problems = batch._read_file(check_database=False)
            batch._write_totals(
                conversion_files.control_totals(result.rows), batch._get_loaded_totals()
            )
            wrong = batch.total_ids.filtered(lambda t: not t.is_match)
            if wrong:
                raise UserError(
                    self.env._(
                        "The control totals do not agree with the file, the conversion "
                        "cannot be finished: %(totals)s",
                        totals="; ".join(wrong.mapped("display_difference")),
                    )
                )
            as_action(batch).write({"state": "done"})
        return True

    def action_rollback(self):
        """Remove everything the batch created, while no bill, payment or fee was
        posted on its accounts."""
        self._check_role(SUPERVISOR_GROUP)
        self._check_state(("loaded", "done"), self.env._("Roll Back"))
        for batch in self:
            batch._rollback()
        return True

    def _rollback(self):
        self.ensure_one()
        env = self.sudo().with_context(**QUIET).env
        accounts = env["utility.account"].search([("conversion_batch_id", "=", self.id)])
        moves = env["account.move"].search([("utility_conversion_batch_id", "=", self.id)])
        others = env["account.move.line"].search(
            [
                ("utility_account_id", "in", accounts.ids),
                ("move_id", "not in", moves.ids),
                ("parent_state", "=", "posted"),
            ]
        )
        if others:
            raise UserError(
                self.env._(
                    "Bills, payments or fees were posted on accounts of this conversion "
                    "(%(accounts)s): it can no longer be rolled back.",
                    accounts=", ".join(sorted(set(others.utility_account_id.mapped("name")))[:10]),
                )
            )
        moves.filtered(lambda m: m.state == "posted").button_draft()
        moves.with_context(force_delete=True).unlink()
        env["utility.customer.deposit"].search([("conversion_batch_id", "=", self.id)]).unlink()
        services = accounts.service_ids
        meters = services.meter_id
        locations = accounts.location_id
        partners = accounts.partner_id
        env["utility.meter.reading"].search([("meter_id", "in", meters.ids)]).unlink()
        env["utility.meter.install"].search([("meter_id", "in", meters.ids)]).unlink()
        as_action(services).unlink()
        as_action(accounts).unlink()
        meters.unlink()
        locations.unlink()
        partners.unlink()
        as_action(self).write({"state": "rolled_back"})
        self.total_ids.filtered("is_loaded").sudo().write(
            {"is_loaded": False, "count_loaded": 0, "amount_loaded": 0.0}
        )
        self.message_post(
            body=self.env._("Rolled back: %(count)s accounts removed.", count=len(accounts))
        )
