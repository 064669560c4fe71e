# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A Utility Supervisor opens Settings > Utility Billing and saves it.

Odoo saves settings for administrators only (and writes the company's related
settings when the settings record is created). A supervisor who is not an
administrator saves them when nothing outside Utility Billing changes: the
settings are then written under sudo (they are the company's utility fields).
"""

from odoo import api, models
from odoo.exceptions import AccessError

SUPERVISOR = "utility_billing.group_utility_supervisor"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _is_utility_supervisor_only(self):
        return not self.env.is_admin() and self.env.user.has_group(SUPERVISOR)

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_utility_supervisor_only():
            return super().create(vals_list)
        for vals in vals_list:
            self._check_utility_settings_only(vals)
        return super(ResConfigSettings, self.sudo()).create(vals_list).with_env(self.env)

    def write(self, vals):
        if not self._is_utility_supervisor_only():
            return super().write(vals)
        self._check_utility_settings_only(vals)
        return super(ResConfigSettings, self.sudo()).write(vals)

    def execute(self):
        if not self._is_utility_supervisor_only():
            return super().execute()
        # Created through the check above: only utility settings differ.
        return super(ResConfigSettings, self.sudo()).execute()

    @api.model
    def _check_utility_settings_only(self, vals):
        """Refuse ``vals`` changing a setting outside Utility Billing."""
        others = {name: value for name, value in vals.items() if not name.startswith("utility_")}
        if not others:
            return
        current = self.sudo().create({})  # sudo: an administrator's path, unchecked
        changed = []
        for name, value in others.items():
            field = self._fields.get(name)
            if not field or field.readonly or field.automatic or field.type == "binary":
                continue
            wanted = field.convert_to_write(field.convert_to_record(
                field.convert_to_cache(value, current), current), current)  # fmt: skip
            if wanted != field.convert_to_write(current[name], current):
                changed.append(field.string or name)
        if changed:
            raise AccessError(
                self.env._(
                    "A utility supervisor saves the Utility Billing settings only; ask an "
                    "administrator to change: %(settings)s",
                    settings=", ".join(sorted(changed)),
                )
            )
