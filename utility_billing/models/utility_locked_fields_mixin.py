# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One guard for "states change through actions, posted means posted".

A model that inherits ``utility.locked.fields.mixin`` declares:

- its *action fields* (:meth:`_get_action_fields`): a state, an approver, a
  "prepared by", a journal entry... written only by the model's action methods,
  after their checks;
- its *locked records* (:meth:`_get_locked_records`): a posted payment, a
  closed drawer, a posted run: no field of them changes and they are never
  deleted, except through their actions (void, return, deposit...).

The web client's ``readonly`` attributes protect nothing against a JSON-RPC or
XML-RPC client, and a context key sent by a client is whatever the client
wants: the actions pass an object that no client can send (a Python sentinel,
compared by identity), through :meth:`_as_action`. Nobody is exempt, the
superuser and ``sudo()`` included: a direct write of a posted payment is
refused in a test as it is over RPC.
"""

from odoo import api, models
from odoo.exceptions import AccessError, UserError

# The key of the context under which the actions write; its value is this very
# object, which JSON cannot carry: a client sending the key gets no rights.
ACTION_CONTEXT_KEY = "utility_locked_action"
_ACTION_TOKEN = object()

# Mail bookkeeping writes these on any record (followers, activities, the
# main attachment): they are not the record's business data.
_ALWAYS_WRITABLE_PREFIXES = ("message_", "activity_", "website_message_")


def as_action(records):
    """``records`` (of any model) in the environment of an action: what they
    write or create on guarded models passes the guard. For action methods only,
    after their checks."""
    return records.with_context(**{ACTION_CONTEXT_KEY: _ACTION_TOKEN})


class UtilityLockedFieldsMixin(models.AbstractModel):
    _name = "utility.locked.fields.mixin"
    _description = "Fields Written by Actions Only"

    # ------------------------------------------------------------------
    # What a model declares
    # ------------------------------------------------------------------
    def _get_action_fields(self):
        """Fields only the model's actions write (e.g. ``state``, approvers)."""
        return set()

    def _get_locked_records(self):
        """The records of ``self`` of which nothing changes but through actions."""
        return self.browse()

    def _get_locked_writable_fields(self):
        """Fields still written by hand on a locked record (default: none)."""
        return set()

    def _get_action_fields_message(self, names, creating=False):
        """What the clerk reads when ``names`` (action fields) are written by hand."""
        return self.env._(
            "%(model)s: this field changes through the record's buttons only.",
            model=self._description,
        )

    def _get_locked_message(self, names=()):
        """What the clerk reads when a locked record is changed (``names``) or deleted."""
        return self.env._(
            "%(model)s: this record is final and cannot be changed or deleted; use its "
            "buttons (void, return, reverse) instead.",
            model=self._description,
        )

    # ------------------------------------------------------------------
    # What the actions use
    # ------------------------------------------------------------------
    def _as_action(self):
        """``self`` in the environment of an action: its writes pass the guard.

        Call it only in an action method, after the action checked its rule.
        """
        return as_action(self)

    def _is_action(self):
        return self.env.context.get(ACTION_CONTEXT_KEY) is _ACTION_TOKEN

    def _message_post_by_user(self, **kwargs):
        """The trail an action leaves in the chatter, signed by the current user.

        Posted under sudo: a clerk without an e-mail address (a counter has
        several) still counts a drawer or voids a payment (Odoo refuses a
        message without a sender's address otherwise).
        """
        kwargs.setdefault("author_id", self.env.user.partner_id.id)
        return self.sudo().message_post(**kwargs)

    # ------------------------------------------------------------------
    # The guard
    # ------------------------------------------------------------------
    def _guarded_names(self, names):
        return {name for name in names if not name.startswith(_ALWAYS_WRITABLE_PREFIXES)}

    def _check_locked_write(self, vals):
        names = self._guarded_names(vals)
        if names & self._get_action_fields():
            raise AccessError(self._get_action_fields_message(names & self._get_action_fields()))
        locked_names = names - self._get_locked_writable_fields()
        if locked_names and self._get_locked_records():
            raise UserError(self._get_locked_message(locked_names))

    def _check_locked_create(self, vals_list):
        action_fields = self._get_action_fields()
        for vals in vals_list:
            for name in self._guarded_names(vals) & action_fields:
                # A new record may say what its default says (a draft is a draft).
                field = self._fields[name]
                default = field.default(self) if field.default else False
                if vals[name] and vals[name] != default:
                    raise AccessError(self._get_action_fields_message({name}, creating=True))

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_action():
            self._check_locked_create(vals_list)
        records = super().create(vals_list)
        if not self._is_action() and records._get_locked_records():
            raise UserError(records._get_locked_message())
        return records

    def write(self, vals):
        if not self._is_action():
            self._check_locked_write(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        if not self._is_action() and self._get_locked_records():
            raise UserError(self._get_locked_message())
