# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import payment_transaction
from . import utility_payment
from . import payment_provider
