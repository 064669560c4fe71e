# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer portal of the utility (SPEC 2.9): a customer's accounts, bills,
usage, payments, statement, paperless bills and autopay.

A portal user has no access right on any utility record. Every route finds the
account among the logged-in user's own (``utility.account._get_portal_domain``:
their partner's or their commercial partner's) and only then reads it as
superuser, as Odoo's ``_document_check_access`` returns a sudoed record: an id
typed in the address bar that is not theirs is "not found", like one that does
not exist.
"""

import re

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request

from odoo.addons.account.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import pager as portal_pager

BILL_REPORT = "utility_billing.action_report_utility_bill"


class UtilityCustomerPortal(PortalAccount):
    # ------------------------------------------------------------------
    # Whose records
    # ------------------------------------------------------------------
    def _utility_accounts_sudo(self):
        """The logged-in customer's accounts (as superuser: see the module docstring)."""
        Account = request.env["utility.account"]
        return Account.sudo().search(Account._get_portal_domain(request.env.user))

    def _utility_account_check_access(self, account_id):
        """The account ``account_id`` as superuser if it is the customer's own.

        :raise NotFound: for another customer's account as for a missing one
        """
        Account = request.env["utility.account"]
        account = Account.sudo().search(
            [("id", "=", int(account_id)), *Account._get_portal_domain(request.env.user)]
        )
        if not account:
            raise NotFound()
        return account

    def _utility_bill_check_access(self, move_id):
        """The posted utility bill ``move_id`` as superuser if it is on one of the
        customer's accounts (else NotFound)."""
        move = request.env["account.move"].sudo().browse(int(move_id)).exists()
        if not move._is_utility_bill_portal_document():
            raise NotFound()
        self._utility_account_check_access(move.utility_account_id.id)
        return move

    # ------------------------------------------------------------------
    # /my: the entry with its count
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "utility_account_count" in counters:
            Account = request.env["utility.account"]
            values["utility_account_count"] = Account.sudo().search_count(
                Account._get_portal_domain(request.env.user)
            )
        return values

    # ------------------------------------------------------------------
    # Accounts
    # ------------------------------------------------------------------
    @http.route(
        ["/my/utility/accounts", "/my/utility/accounts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_utility_accounts(self, page=1, **kw):
        accounts = self._utility_accounts_sudo()
        pager = portal_pager(
            url="/my/utility/accounts",
            total=len(accounts),
            page=page,
            step=self._items_per_page,
        )
        shown = accounts[pager["offset"] : pager["offset"] + self._items_per_page]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "utility_accounts",
                "accounts": shown,
                "summary": shown._get_portal_summary(),
                "pager": pager,
                "default_url": "/my/utility/accounts",
            }
        )
        return request.render("utility_billing.portal_my_utility_accounts", values)

    @http.route(["/my/utility/accounts/<int:account_id>"], type="http", auth="user", website=True)
    def portal_my_utility_account(self, account_id, **kw):
        account = self._utility_account_check_access(account_id)
        flash = request.session.pop("utility_portal_flash", None) or {}
        bills = account._get_portal_bills()
        open_bills = bills.filtered(
            lambda m: m.currency_id.compare_amounts(m.amount_residual, 0) > 0
        )
        date_from, date_to = account._get_portal_statement_range(None, None)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "utility_account",
                "account": account,
                "summary": account._get_portal_summary()[account.id],
                "open_bills": open_bills,
                "recent_bills": bills[:12],
                "payments": account._get_portal_payments(),
                "charts": account._get_portal_usage_charts(),
                "autopay": account._get_portal_autopay(),
                "statement_from": date_from,
                "statement_to": date_to,
                "message": flash.get("message"),
                "error": flash.get("error"),
            }
        )
        return request.render("utility_billing.portal_my_utility_account", values)

    def _utility_account_redirect(self, account, message=None, error=None):
        """Back to the account's page, which shows ``message`` or ``error`` once.

        Kept in the session, not in the address: a link cannot make the page
        print a text of someone else's choosing."""
        request.session["utility_portal_flash"] = {"message": message, "error": error}
        return request.redirect(f"/my/utility/accounts/{account.id}")

    # ------------------------------------------------------------------
    # PDFs: the bill the city mails, the statement of account
    # ------------------------------------------------------------------
    @http.route(["/my/utility/bills/<int:move_id>/pdf"], type="http", auth="user", website=True)
    def portal_my_utility_bill_pdf(self, move_id, download=None, **kw):
        move = self._utility_bill_check_access(move_id)
        return self._show_report(
            model=move, report_type="pdf", report_ref=BILL_REPORT, download=bool(download)
        )

    @http.route()
    def portal_my_invoice_detail(
        self, invoice_id, access_token=None, report_type=None, download=False, **kw
    ):
        """Odoo's "Your Invoices" shows and downloads a utility bill as the
        utility bill the city mails, not as Odoo's invoice; other invoices are
        Odoo's (as Odoo picks its report: the customer's invoice template)."""
        if report_type in ("html", "pdf"):
            try:
                invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
            except (AccessError, MissingError):
                return request.redirect("/my")
            if invoice_sudo._is_utility_bill_portal_document():
                return self._show_report(
                    model=invoice_sudo,
                    report_type=report_type,
                    report_ref=BILL_REPORT,
                    download=download,
                )
        return super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )

    @http.route(
        ["/my/utility/accounts/<int:account_id>/statement"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_utility_statement(self, account_id, date_from=None, date_to=None, **kw):
        account = self._utility_account_check_access(account_id)
        try:
            start, end = account._get_portal_statement_range(date_from, date_to)
        except UserError as error:
            return self._utility_account_redirect(account, error=error.args[0])
        statement = (
            request.env["utility.account.statement"]
            .sudo()
            .create({"account_id": account.id, "date_from": start, "date_to": end})
        )
        pdf = statement._render_statement_pdf()
        filename = re.sub(r"\W+", "_", f"Statement {account.name} {start} {end}") + ".pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )

    # ------------------------------------------------------------------
    # Paperless bills and autopay
    # ------------------------------------------------------------------
    @http.route(
        ["/my/utility/accounts/<int:account_id>/paperless"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_utility_paperless(self, account_id, is_paperless=None, **kw):
        account = self._utility_account_check_access(account_id)
        wanted = bool(is_paperless)
        try:
            changed = account._portal_set_paperless(wanted, request.env.user)
        except UserError as error:
            return self._utility_account_redirect(account, error=error.args[0])
        if not changed:
            message = request.env._("Nothing changed.")
        elif wanted:
            message = request.env._("Your bills will be e-mailed to you from now on.")
        else:
            message = request.env._("Your bills will be mailed to you on paper from now on.")
        return self._utility_account_redirect(account, message=message)

    @http.route(
        ["/my/utility/accounts/<int:account_id>/autopay"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_utility_autopay(self, account_id, **post):
        account = self._utility_account_check_access(account_id)
        error = None
        if not post.get("authorize"):
            error = request.env._(
                "Tick the authorization box: the utility drafts your bank account only "
                "with your permission."
            )
        elif (post.get("acc_number") or "").strip() != (
            post.get("acc_number_confirm") or ""
        ).strip():
            error = request.env._("The two bank account numbers you typed are not the same.")
        if error:
            return self._utility_account_redirect(account, error=error)
        try:
            # Nothing is kept when any check fails (the bank account included).
            with request.env.cr.savepoint():
                account._portal_request_autopay(
                    post.get("routing"),
                    post.get("acc_number"),
                    post.get("account_type"),
                    request.env.user,
                )
        except (UserError, ValidationError) as error:
            return self._utility_account_redirect(account, error=error.args[0])
        return self._utility_account_redirect(
            account,
            message=request.env._(
                "Thank you: your autopay request was sent to the utility office. Your bank "
                "is tested first; you will see Autopay on your account once it starts."
            ),
        )
