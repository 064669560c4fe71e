/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// Every refusal (a UserError: "the drawer is counted", "the period is billed")
// showed under the title "Invalid Operation", which reads like a system fault
// to a clerk. The message says what to do; the title just asks to look.
import {_t} from "@web/core/l10n/translation";
import {odooExceptionTitleMap} from "@web/core/errors/error_dialogs";

odooExceptionTitleMap.set("odoo.exceptions.UserError", _t("Please Check"));
