# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class UtilityAccount(models.Model):
    """A deceased customer's account, settled by the executor.

    Rule (North Carolina; UNC School of Government, "When a Customer Dies:
    Navigating Utility Service After the Death of an Account Holder", Coates'
    Canons, May 2025,
    https://canons.sog.unc.edu/2025/05/when-a-customer-dies-navigating-utility-service-after-the-death-of-an-account-holder/):
    the service contract ends with the customer's death; "charges incurred
    before death may be recoverable from the customer's estate, if one is
    opened. But charges incurred after death generally cannot be collected
    unless someone lawfully establishes a new account." So:

    - from the date of death until the day the clerk enters as "Settled On"
      the account is held from late fees, notices, door hangers and shut-offs
      (the estate is being settled; nobody else owes those charges);
    - letters, notices and the payoff quote go to the executor, "Estate of
      <name>, c/o <executor>", at the executor's address, not to the deceased;
    - the payoff quote shows what was billed before the date of death (owed by
      the estate) apart from what was billed since.
    """

    _inherit = "utility.account"  # pylint: disable=consider-merging-classes-inherited

    date_estate_settled = fields.Date(
        string="Settled On",
        tracking=True,
        help="Day the estate was settled: the collections hold of the estate ends that day.",
    )
    letter_partner_id = fields.Many2one(
        "res.partner",
        string="Letters To",
        compute="_compute_letter_partner_id",
        help="Who the account's letters, notices and e-mails go to: the executor of an "
        "estate, else the customer.",
    )
    amount_before_death = fields.Monetary(
        string="Billed Before Death",
        compute="_compute_death_balances",
        help="Still owed on charges dated before the date of death: owed by the estate.",
    )
    amount_after_death = fields.Monetary(
        string="Billed After Death",
        compute="_compute_death_balances",
        help="Still owed on charges dated on or after the date of death, less payments "
        "since: not a debt of the deceased unless someone took on the service.",
    )

    @api.depends("partner_id", "is_estate", "executor_partner_id")
    def _compute_letter_partner_id(self):
        for account in self:
            account.letter_partner_id = account._get_letter_partner()

    @api.depends("date_of_death")
    def _compute_death_balances(self):
        split = self._get_open_balance_split(
            {a.id: a.date_of_death for a in self if a.is_estate and isinstance(a.id, int)}
        )
        for account in self:
            before, since = split.get(account.id, (0, 0))
            account.amount_before_death = float(before)
            account.amount_after_death = float(since)

    @api.constrains("is_estate", "date_of_death", "date_estate_settled", "executor_partner_id")
    def _check_estate(self):
        """Check every estate at once and list what is wrong with each."""
        today = fields.Date.context_today(self)
        problems = []
        for account in self.filtered("is_estate"):
            if account.date_of_death and account.date_of_death > today:
                problems.append(
                    self.env._(
                        "%(account)s: the date of death cannot be in the future.",
                        account=account.display_name,
                    )
                )
            if account.date_estate_settled and not account.date_of_death:
                problems.append(
                    self.env._(
                        "%(account)s: enter the date of death before the day the estate "
                        "was settled.",
                        account=account.display_name,
                    )
                )
            elif (
                account.date_estate_settled and account.date_estate_settled < account.date_of_death
            ):
                problems.append(
                    self.env._(
                        "%(account)s: the estate cannot be settled before the date of death.",
                        account=account.display_name,
                    )
                )
            if account.executor_partner_id and account.executor_partner_id == account.partner_id:
                problems.append(
                    self.env._(
                        "%(account)s: the executor is someone other than the deceased customer.",
                        account=account.display_name,
                    )
                )
        if problems:
            raise ValidationError("\n".join(problems))

    def _is_estate_held(self, day):
        """Is the estate's collections hold in force on ``day``? From the date of
        death through the day before "Settled On". An estate without a date of
        death holds as before (the clerk has not entered it yet)."""
        self.ensure_one()
        if not self.is_estate:
            return False
        start, settled = self.date_of_death, self.date_estate_settled
        return (not start or start <= day) and (not settled or day < settled)

    # ------------------------------------------------------------------
    # Addressing
    # ------------------------------------------------------------------
    def _get_letter_partner(self):
        """The executor gets the letters, notices and e-mails of an estate."""
        self.ensure_one()
        if self.is_estate and self.executor_partner_id:
            return self.executor_partner_id
        return super()._get_letter_partner()

    def _get_letter_addressee(self):
        """Name and address a letter of the account is sent to: "Estate of
        <name>, c/o <executor>" at the executor's address for an estate with an
        executor, else the customer.

        :return: {"name": str, "address": str}
        """
        self.ensure_one()
        account = self.sudo()
        executor = account.executor_partner_id
        if account.is_estate and executor:
            return {
                "name": self.env._(
                    "Estate of %(name)s, c/o %(executor)s",
                    name=account.partner_id.name,
                    executor=executor.name,
                ),
                "address": executor.contact_address or "",
            }
        return {
            "name": account.partner_id.name or "",
            "address": account.partner_id.contact_address or "",
        }
