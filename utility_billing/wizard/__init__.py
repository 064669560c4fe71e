from . import utility_meter_reading_import
from . import utility_meter_exchange
from . import utility_meter_reading_correct
from . import utility_rate_calculator
from . import utility_reading_missing_check
from . import utility_bill_print
