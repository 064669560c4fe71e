# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Replay the captured requests of a clerk screen on another account.

``clerk_screens_capture.mjs`` records what Odoo's web client sent for one
account; :class:`Capture` gives the same requests for any other account:
the captured account's id, customer id and premise id (numbers anywhere in
the request) and its number, customer name and premise name (whole strings)
are replaced by the other account's, and a record a button opened (the
statement wizard) by the one the server opens this time. Two screens of
Odoo's own are derived from their captured list request the way a clerk
would narrow them: Contacts with the custom filter "Street contains ...",
the invoices list with "Customer" (``child_of``, as the customer's
*Invoiced* button does).

Used by ``bench_clerk_screens.py`` (p50 / p95 per screen) and
``locust_clerks.py`` (20 clerks at once); the Odoo-free part of both.
"""

import json
import re

# A screen that starts on a record another screen's button opens: that button
# is pressed first, untimed (the statement is printed from its dialog).
OPENED_BY = {"statement of account (PDF)": "statement of account (screen)"}
ODOO_CONTACTS = "Odoo: Contacts search by street"
ODOO_INVOICES = "Odoo: a customer's invoices"
# Numbers that are never an account's, customer's or premise's id.
KEEP_KEYS = {"id", "limit", "offset", "count_limit", "uid", "allowed_company_ids",
             "current_company_id", "company_id", "currency_id", "jsonrpc"}  # fmt: skip
# Where a form post's csrf token goes: the sender puts its session's.
CSRF = "{csrf_token}"
REPORT_ID = re.compile(r"(/report/pdf/[\w.]+/)(\d+)")


def account_facts(cr, where="TRUE", params=(), limit=None, order="a.id"):
    """Accounts as a capture names them: id, number, customer, premise, street."""
    cr.execute(
        f"""
        SELECT a.id, a.name, p.id, p.name, l.id, l.name, l.street
          FROM utility_account a
          JOIN res_partner p ON p.id = a.partner_id
          JOIN utility_service_location l ON l.id = a.location_id
         WHERE {where}
         ORDER BY {order}
         LIMIT %s
        """,
        [*params, limit],
    )
    keys = ("id", "name", "partner_id", "partner_name", "location_id", "location_name", "street")
    return [dict(zip(keys, row, strict=True)) for row in cr.fetchall()]


class Capture:
    def __init__(self, path):
        with open(path) as file:
            data = json.load(file)
        self.meta = data["meta"]
        self.screens = data["screens"]
        self.order = [*data["order"], ODOO_CONTACTS, ODOO_INVOICES]
        self.order.remove("Odoo: Contacts list")
        self.order.remove("Odoo: invoices list")
        self.captured = self.meta["account"]

    # ------------------------------------------------------------------
    def requests(self, screen, account):
        """The requests of ``screen`` for ``account`` (a dict of
        :func:`account_facts`) in the order the client sent them: dicts of
        method, path, content type, body (JSON text, or {field: value} for a
        form post whose ``csrf_token`` the sender fills in), the record id the
        answer opens in the capture, name. :meth:`opened` finishes the bodies
        of the requests on a record a button opened."""
        if screen == ODOO_CONTACTS:
            return [
                self._odoo_list("Odoo: Contacts list", [["street", "ilike", account["street"]]])
            ]
        if screen == ODOO_INVOICES:
            return [
                self._odoo_list(
                    "Odoo: invoices list", [["partner_id", "child_of", [account["partner_id"]]]]
                )
            ]
        numbers = {
            self.captured["id"]: account["id"],
            self.captured["partner_id"]: account["partner_id"],
            self.captured["location_id"]: account["location_id"],
        }
        strings = {
            self.captured["name"]: account["name"],
            self.captured["partner_name"]: account["partner_name"],
            self.captured["location_name"]: account["location_name"],
        }
        result = []
        for entry in self.screens[screen]:
            body = entry["body"]
            if body and "json" in (entry["contentType"] or ""):
                body = json.dumps(_replace(json.loads(body), numbers, strings))
            elif body and "multipart" in (entry["contentType"] or ""):
                # A report download (a form post): its context names the
                # account; the csrf token is the session's (the sender's).
                parts = _multipart(body)
                parts["context"] = json.dumps(
                    _replace(json.loads(parts["context"]), numbers, strings)
                )
                parts["csrf_token"] = CSRF
                body = parts
            result.append(
                {
                    "method": entry["method"],
                    "path": entry["path"],
                    "content_type": entry["contentType"],
                    "body": body,
                    "opens": entry.get("resId"),
                    "name": _request_name(entry),
                }
            )
        return result

    @staticmethod
    def opened(requests, captured_id, new_id):
        """The requests after a button that opened ``new_id`` where the
        capture had ``captured_id``: the record's ids and report path."""
        for request in requests:
            body = request["body"]
            if not body:
                continue
            if isinstance(body, dict):  # a form post
                body["data"] = REPORT_ID.sub(
                    lambda m: m.group(1) + (str(new_id) if int(m.group(2)) == captured_id
                                            else m.group(2)),
                    body["data"],
                )  # fmt: skip
                context = json.loads(body["context"])
                if context.get("active_ids") == [captured_id]:
                    context["active_ids"] = [new_id]
                body["context"] = json.dumps(context)
                continue
            data = json.loads(body)
            args = data["params"].get("args")
            if args and args[0] == [captured_id]:
                args[0] = [new_id]
            request["body"] = json.dumps(data)

    def _odoo_list(self, screen, domain):
        entry = next(e for e in self.screens[screen] if "web_search_read" in e["path"])
        data = json.loads(entry["body"])
        kwargs = data["params"]["kwargs"]
        kwargs["domain"] = ["&", *kwargs["domain"], *domain] if kwargs["domain"] else domain
        return {
            "method": "POST",
            "path": entry["path"],
            "content_type": entry["contentType"],
            "body": json.dumps(data),
            "opens": None,
            "name": _request_name(entry),
        }


def _multipart(body):
    """{field: value} of a captured multipart/form-data body."""
    boundary = body.split("\r\n", 1)[0]
    fields = {}
    for part in body.split(boundary)[1:]:
        if part.startswith("--"):
            break
        head, _sep, value = part.partition("\r\n\r\n")
        name = re.search(r'name="([^"]+)"', head).group(1)
        fields[name] = value[: -len("\r\n")] if value.endswith("\r\n") else value
    return fields


def _request_name(entry):
    """A request as a reader names it: ``model.method`` or the route."""
    path = entry["path"].split("?")[0]
    for prefix in ("/web/dataset/call_kw/", "/web/dataset/call_button/"):
        if path.startswith(prefix):
            return path[len(prefix) :].replace("/", ".")
    return path


def _replace(value, numbers, strings, key=None):
    if isinstance(value, bool) or key in KEEP_KEYS:
        return value
    if isinstance(value, int):
        return numbers.get(value, value)
    if isinstance(value, str):
        return strings.get(value, value)
    if isinstance(value, list):
        return [_replace(v, numbers, strings) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, numbers, strings, k) for k, v in value.items()}
    return value


def run_screen(capture, screen, account, send):
    """Send the requests of ``screen`` for ``account`` one after the other
    with ``send(request) -> (status, json or None, seconds)``; returns
    [(request name, seconds, error or None)]. A screen of ``OPENED_BY`` first
    presses the button that opens its record for ``account`` (not timed)."""
    requests = capture.requests(screen, account)
    if screen in OPENED_BY:
        opener = next(r for r in capture.requests(OPENED_BY[screen], account) if r["opens"])
        status, data, _seconds = send(opener)
        if status != 200 or not isinstance(data, dict) or data.get("error"):
            return [(opener["name"], 0.0, f"HTTP {status}: {(data or {}).get('error')}")]
        capture.opened(requests, opener["opens"], data["result"]["res_id"])
    timings = []
    for index, request in enumerate(requests):
        status, data, seconds = send(request)
        error = None
        if status != 200:
            error = f"HTTP {status}"
        elif isinstance(data, dict) and data.get("error"):
            error = data["error"].get("data", {}).get("message") or data["error"].get("message")
        timings.append((request["name"], seconds, error))
        if error:
            break
        if request["opens"]:
            new_id = (data or {}).get("result", {}).get("res_id")
            capture.opened(requests[index + 1 :], request["opens"], new_id)
    return timings
