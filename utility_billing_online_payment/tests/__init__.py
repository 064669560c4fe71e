# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_online_payment
from . import test_portal_pay
