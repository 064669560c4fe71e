# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""NACHA records built field by field from the record layout, for the tests."""


def change_records(seq, code, corrected, *, trace="071000010000099", tx="26", cents=0):
    """A COR entry and its addenda type 98, field by field from the layout."""
    entry_detail = (
        "6"  # 1 record type
        + tx  # 2-3 transaction code
        + "02100002"  # 4-11 receiving DFI identification
        + "1"  # 12 check digit
        + "000123456789".ljust(17)  # 13-29 DFI account number
        + f"{cents:010d}"  # 30-39 amount: none on a notification of change
        + f"UA{seq:06d}".ljust(15)  # 40-54 individual identification
        + "TERRY TESTER".ljust(22)  # 55-76 individual name
        + "  "  # 77-78 discretionary data
        + "1"  # 79 addenda record indicator
        + f"02100002{seq:07d}"  # 80-94 trace number of the COR entry
    )
    addenda = (
        "7"  # 1 record type
        + "98"  # 2-3 addenda type: notification of change
        + code  # 4-6 change code
        + trace  # 7-21 original entry trace number
        + " " * 6  # 22-27 reserved
        + "02100002"  # 28-35 original receiving DFI identification
        + corrected.ljust(29)  # 36-64 corrected data
        + " " * 15  # 65-79 reserved
        + f"02100002{seq:07d}"  # 80-94 trace number
    )
    assert len(entry_detail) == len(addenda) == 94
    return [entry_detail, addenda]
