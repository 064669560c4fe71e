# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Call the server as a web client or a script does: JSON-RPC on
``/web/dataset/call_kw``, logged in as a given user.

The web client's ``readonly`` and ``invisible`` attributes protect nothing
against such a caller: what these tests prove holds for any client.
"""

import json
from collections import namedtuple

from odoo.tests import HttpCase

__all__ = ["RpcCase", "RpcError"]

RpcError = namedtuple("RpcError", "name message")


class RpcCase(HttpCase):
    """Helpers of an ``HttpCase`` that calls model methods over JSON-RPC."""

    _rpc_login = None

    def rpc(self, user, model, method, *args, **kwargs):
        """Call ``model.method(*args, **kwargs)`` as ``user`` over JSON-RPC.

        :return: the result, or an :class:`RpcError` (exception name and message)
        """
        if self._rpc_login != user.login:
            # HttpCase keeps its web session in ``self.session``, a name the cashier
            # fixtures use for the drawer: lend it the attribute for the login only.
            self.__dict__["session"] = self.__dict__.pop("_rpc_session", None)
            try:
                # new_test_user's password is the login.
                self.authenticate(user.login, user.login)
            finally:
                self._rpc_session = self.__dict__.pop("session")
            self._rpc_login = user.login
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            data = body["error"]["data"]
            return RpcError(data["name"].rsplit(".", 1)[-1], data["message"])
        return body.get("result")

    def assertRpcRefused(self, result, error="AccessError", message=None):
        """``result`` of :meth:`rpc` is the refusal ``error`` (with ``message`` in it)."""
        self.assertIsInstance(result, RpcError, f"expected {error}, the call returned {result!r}")
        self.assertEqual(result.name, error, result.message)
        if message:
            self.assertIn(message, result.message)
