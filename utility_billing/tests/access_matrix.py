# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may do what, as a table: the README's Roles, checked over JSON-RPC by
``test_access_matrix.py`` (every cell is one call to ``/web/dataset/call_kw``).

Roles: ``cashier`` (Level I), ``csr`` (Level II), ``billing`` (Levels III-IV),
``supervisor``, ``internal`` (an Odoo user with no utility group) and
``portal`` (a customer's portal login).

``MODEL_ACCESS``: per model, the operations each role has on it, a string of
``c`` (create), ``r`` (read), ``w`` (write), ``u`` (unlink); ``-`` for none.
Checked with ``has_access`` on the model, as the web client does before it
shows a button; record rules narrow it further (a cashier's own drawer).

``ACTIONS``: the action methods that matter, each on a fixture record of the
test, with what each role gets: ``ok`` (it is done), ``AccessError`` (not for
this role) or ``UserError`` (the role may, but not this record: e.g. approving
one's own void, count or deposit). Each call is rolled back after it.
"""

ROLES = ("cashier", "csr", "billing", "supervisor", "internal", "portal")


def _row(*cells):
    """One cell per role of ``ROLES``; a plain and a portal user have none by default."""
    cells = cells + ("-",) * (len(ROLES) - len(cells))
    return dict(zip(ROLES, cells, strict=True))


MODEL_ACCESS = {
    # Customers and meters
    "utility.account": _row("r", "crw", "crw", "crwu"),
    "utility.account.service": _row("r", "crw", "crw", "crwu"),
    "utility.service.location": _row("r", "crw", "crw", "crwu"),
    "utility.meter": _row("r", "r", "crw", "crwu"),
    "utility.meter.reading": _row("r", "crw", "crw", "crwu"),
    "utility.leak.alert": _row("r", "crw", "crw", "crwu"),
    "utility.meter.interval": _row("-", "r", "cr", "cru"),
    "utility.interval.file": _row("-", "rw", "crw", "crwu"),
    # Rates and configuration
    "utility.rate.schedule": _row("r", "r", "r", "crwu"),
    "utility.service.type": _row("r", "r", "r", "crwu"),
    "utility.billing.cycle": _row("r", "r", "crw", "crwu"),
    "utility.meter.size": _row("r", "r", "r", "crwu"),
    "utility.cart.size": _row("r", "r", "r", "crwu"),
    "utility.customer.class": _row("r", "r", "r", "crwu"),
    "res.config.settings": _row("-", "-", "-", "crw"),
    # Billing
    "utility.billing.run": _row("r", "r", "crw", "crwu"),
    "utility.rate.whatif": _row("-", "-", "r", "crwu"),
    "utility.rate.whatif.revenue": _row("-", "-", "r", "crwu"),
    "utility.rate.whatif.bill": _row("-", "-", "r", "crwu"),
    "utility.rate.whatif.account": _row("-", "-", "r", "crwu"),
    "account.move": _row("r", "r", "crwu", "crwu", "-", "r"),
    # Cashiering
    "utility.cashier.session": _row("crw", "crw", "crw", "crwu"),
    "utility.payment": _row("crwu", "crwu", "crwu", "crwu"),
    "utility.payment.line": _row("crwu", "crwu", "crwu", "crwu"),
    "utility.payment.allocation": _row("r", "r", "r", "crwu"),
    "utility.payment.void": _row("crwu", "crwu", "crwu", "crwu"),
    "utility.deposit": _row("r", "crw", "crw", "crwu"),
    "utility.payment.file": _row("-", "crw", "crw", "crwu"),
    # Autopay
    "utility.autopay.enrollment": _row("r", "crw", "crw", "crwu"),
    "utility.autopay.file": _row("-", "-", "crw", "crwu"),
    "utility.payment.return": _row("-", "-", "crwu", "crwu"),
    # Field work (a crew's own role, Field Crew, is tested in test_work_order.py)
    "utility.work.order": _row("r", "crw", "crw", "crwu"),
    "utility.work.order.age": _row("r", "r", "r", "r"),
    "utility.service.cart.change": _row("r", "r", "r", "r"),
    # Collections
    "utility.collection.notice": _row("r", "r", "crw", "crwu"),
    "utility.payment.arrangement": _row("r", "crw", "crw", "crwu"),
    "utility.payment.arrangement.tier": _row("r", "r", "r", "crwu"),
    # Collections: the shut-off list, its calendar, medical certificates
    "utility.shutoff.line": _row("r", "r", "crwu", "crwu"),
    "utility.shutoff.day": _row("r", "r", "crw", "crwu"),
    "utility.medical.certificate": _row("r", "crw", "crw", "crwu"),
    # Collections: bad debt write-offs and recoveries
    "utility.write.off": _row("-", "r", "crw", "crwu"),
    "utility.write.off.line": _row("-", "r", "crwu", "crwu"),
    "utility.write.off.recovery": _row("-", "r", "crw", "crwu"),
    "utility.agency.referral": _row("-", "r", "crw", "crwu"),
    "utility.agency.candidate": _row("-", "-", "crwu", "crwu"),
    "utility.account.agency.referral": _row("-", "-", "crwu", "crwu"),
    "utility.lien": _row("-", "r", "crw", "crwu"),
    "utility.lien.item": _row("-", "r", "r", "r"),
    "utility.lien.propose": _row("-", "-", "crwu", "crwu"),
    # Conversion from a legacy system
    "utility.conversion.batch": _row("-", "-", "crw", "crwu"),
    "utility.conversion.total": _row("-", "-", "r", "r"),
    "utility.conversion.comparison": _row("-", "-", "crw", "crwu"),
    "utility.conversion.comparison.line": _row("-", "-", "r", "r"),
    # Reports: money reports to billing specialists (read) and supervisors
    "utility.receivable.aging": _row("-", "-", "r", "crwu"),
    "utility.receivable.aging.line": _row("-", "-", "r", "r"),
    "utility.consumption.report": _row("-", "-", "r", "r"),
}

OK, ACCESS, USER = "ok", "AccessError", "UserError"

# (label, model, method, fixture, expectations). A ``wizard`` fixture is a
# transient record each role creates itself (values from the test) before the
# call; ``approve your own`` paths are the rows whose supervisor cell is USER.
ACTIONS = [
    (
        "refer an account to the collection agency by hand (opens the reason)",
        "utility.account",
        "action_refer_to_agency",
        "pending_account",
        _row(ACCESS, ACCESS, OK, OK, ACCESS, ACCESS),
    ),
    (
        "void a payment of the cashier's open drawer",
        "utility.payment.void",
        "action_confirm",
        "void_wizard",
        _row(OK, OK, OK, OK, ACCESS, ACCESS),
    ),
    (
        "void another cashier's payment (a cashier does not even see it)",
        "utility.payment.void",
        "action_confirm",
        "void_wizard_other_cashier",
        _row(ACCESS, OK, OK, OK, ACCESS, ACCESS),
    ),
    (
        "approve a void another clerk asked for",
        "utility.payment",
        "action_approve_void",
        "void_requested_by_cashier",
        _row(ACCESS, ACCESS, ACCESS, OK, ACCESS, ACCESS),
    ),
    (
        "approve one's own void request",
        "utility.payment",
        "action_approve_void",
        "void_requested_by_supervisor",
        _row(ACCESS, ACCESS, ACCESS, USER, ACCESS, ACCESS),
    ),
    (
        "approve a count another supervisor entered",
        "utility.cashier.session",
        "action_approve_count",
        "count_by_other_supervisor",
        _row(ACCESS, ACCESS, ACCESS, OK, ACCESS, ACCESS),
    ),
    (
        "approve a count one entered oneself",
        "utility.cashier.session",
        "action_approve_count",
        "count_by_supervisor",
        _row(ACCESS, ACCESS, ACCESS, USER, ACCESS, ACCESS),
    ),
    (
        "send a count back to be recounted",
        "utility.cashier.session",
        "action_recount",
        "count_by_supervisor",
        _row(ACCESS, ACCESS, ACCESS, OK, ACCESS, ACCESS),
    ),
    (
        "approve a deposit another clerk prepared",
        "utility.deposit",
        "action_approve",
        "deposit_prepared_by_csr",
        _row(ACCESS, ACCESS, ACCESS, OK, ACCESS, ACCESS),
    ),
    (
        "approve a deposit one prepared oneself",
        "utility.deposit",
        "action_approve",
        "deposit_prepared_by_supervisor",
        _row(ACCESS, ACCESS, ACCESS, USER, ACCESS, ACCESS),
    ),
    (
        "approve a payment arrangement above a CSR's limit, set up by the CSR",
        "utility.payment.arrangement",
        "action_approve",
        "arrangement_by_csr",
        _row(ACCESS, ACCESS, ACCESS, OK, ACCESS, ACCESS),
    ),
    (
        "approve a payment arrangement one set up oneself",
        "utility.payment.arrangement",
        "action_approve",
        "arrangement_by_supervisor",
        _row(ACCESS, ACCESS, ACCESS, USER, ACCESS, ACCESS),
    ),
    (
        "approve a write-off another clerk prepared",
        "utility.write.off",
        "action_approve",
        "write_off_by_specialist",
        _row(ACCESS, ACCESS, ACCESS, OK, ACCESS, ACCESS),
    ),
    (
        "approve a write-off one prepared oneself",
        "utility.write.off",
        "action_approve",
        "write_off_by_supervisor",
        _row(ACCESS, ACCESS, ACCESS, USER, ACCESS, ACCESS),
    ),
    (
        "close a pending account",
        "utility.account",
        "action_close",
        "pending_account",
        _row(ACCESS, OK, OK, OK, ACCESS, ACCESS),
    ),
    (
        "cancel a draft billing run",
        "utility.billing.run",
        "action_cancel",
        "draft_run",
        _row(ACCESS, ACCESS, OK, OK, ACCESS, ACCESS),
    ),
    (
        "compute a rate what-if (this one names no proposed rates)",
        "utility.rate.whatif",
        "action_compute",
        "whatif_without_rates",
        _row(ACCESS, ACCESS, ACCESS, USER, ACCESS, ACCESS),
    ),
    (
        "release a shut-off list into disconnect orders",
        "utility.delinquency.run",
        "action_release_shutoffs",
        "shutoff_run",
        _row(ACCESS, ACCESS, OK, OK, ACCESS, ACCESS),
    ),
    (
        "leave an account off the shut-off list",
        "utility.shutoff.line",
        "action_skip",
        "shutoff_line",
        _row(ACCESS, ACCESS, OK, OK, ACCESS, ACCESS),
    ),
    (
        "read a bill",
        "account.move",
        "read",
        "bill",
        _row(OK, OK, OK, OK, ACCESS, ACCESS),
    ),
    (
        "save the Utility Billing settings",
        "res.config.settings",
        "execute",
        "settings_wizard",
        _row(ACCESS, ACCESS, ACCESS, OK, ACCESS, ACCESS),
    ),
    (
        "change a setting outside Utility Billing",
        "res.config.settings",
        "execute",
        "settings_wizard_other_app",
        _row(ACCESS, ACCESS, ACCESS, ACCESS, ACCESS, ACCESS),
    ),
]
