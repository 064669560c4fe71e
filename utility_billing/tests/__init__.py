# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's test runner (``odoo-bin --test-enable``) runs the test modules
imported here; pytest (``./ub test``) finds them by file name. Keep one line per
``test_*.py`` file: ``tests/test_tests_init.py`` checks that none is missing.

Odoo's runner runs ``unittest.TestCase`` classes only: the pure library tests
written as plain pytest functions, parametrized or with hypothesis
(``test_lib_*``), run under pytest alone.
"""

from . import test_access_matrix
from . import test_account
from . import test_account_balance
from . import test_account_lifecycle
from . import test_ach_change
from . import test_adjustment
from . import test_meter_over_registration
from . import test_autopay
from . import test_bill_builder
from . import test_bill_explain
from . import test_bill_print
from . import test_bill_taxes
from . import test_billing_concurrency
from . import test_billing_run
from . import test_card_number_guard
from . import test_card_numbers
from . import test_cashier_security
from . import test_cashier_session
from . import test_customer_deposit
from . import test_deposit
from . import test_hostile_files
from . import test_level_pay
from . import test_lib_allocation
from . import test_lib_bill_explain
from . import test_lib_bill_pdf
from . import test_lib_bill_vendor_file
from . import test_lib_card_numbers
from . import test_lib_cashiering
from . import test_lib_consumption
from . import test_lib_csv_cells
from . import test_lib_nacha
from . import test_lib_payment_files
from . import test_lib_rating
from . import test_lib_rating_rules
from . import test_lib_read_edits
from . import test_lib_reading_files
from . import test_lib_scan_line
from . import test_meter
from . import test_meter_exchange
from . import test_meter_reading
from . import test_move_writer
from . import test_payment_allocation
from . import test_payment_file
from . import test_payment_return
from . import test_payment_void
from . import test_payment_writer
from . import test_posted_money_rpc
from . import test_rate_calculator
from . import test_rate_rules
from . import test_rate_schedule
from . import test_read_edits
from . import test_reading_import
from . import test_security
from . import test_special_bill_methods
from . import test_special_bills
from . import test_tests_init
from . import test_lib_file_values
from . import test_writer_fallback
from . import test_work_order
from . import test_work_order_collections
from . import test_work_order_payment_undo
from . import test_cart_proration
from . import test_work_order_error
from . import test_lib_work_orders
from . import test_work_order_concurrency
from . import test_lib_late_fees
from . import test_late_fees
from . import test_billing_run_jobs
from . import test_account_statement
from . import test_user_strings
from . import test_locked_lines_rpc
from . import test_payoff_quote
from . import test_account_status_letter
from . import test_move_work_orders
from . import test_deposit_letters
from . import test_demo_town_records
from . import test_rate_whatif
from . import test_lib_whatif
from . import test_collection_notices
from . import test_lib_notices
from . import test_account_search
from . import test_lib_arrangements
from . import test_payment_arrangement
from . import test_payment_arrangement_rpc
from . import test_service_suspension
from . import test_payment_arrangement_collections
from . import test_shutoff_list
from . import test_deposit_extra
from . import test_size_class_lists
from . import test_demo_town_winter
from . import test_collection_notices_rpc
from . import test_account_form_queries
from . import test_account_bill_list
from . import test_level_pay_review
from . import test_adjustment_letters
from . import test_level_pay_letters
from . import test_final_bill_letter
from . import test_write_off
