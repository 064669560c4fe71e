# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure rules of work orders: the reconnect fee's hour, map links, route order."""

from datetime import date, datetime

import pytest

from ..lib import work_orders as w

# Grayville, IL, § 55.04: business days Monday-Friday 7:30 a.m. to 3:30 p.m.
GRAYVILLE = {weekday: [(7.5, 15.5)] for weekday in range(5)}
HOLIDAYS = {date(2025, 7, 4)}


class TestReconnectFeeCode:
    @pytest.mark.parametrize(
        ("moment", "code"),
        [
            (datetime(2025, 3, 4, 7, 30), w.BUSINESS_HOURS),  # opening minute
            (datetime(2025, 3, 4, 15, 29, 59), w.BUSINESS_HOURS),
            (datetime(2025, 3, 4, 15, 30), w.AFTER_HOURS),  # closing minute is after hours
            (datetime(2025, 3, 4, 7, 29), w.AFTER_HOURS),
            (datetime(2025, 3, 8, 10, 0), w.WEEKEND_HOLIDAY),  # Saturday
            (datetime(2025, 3, 9, 22, 0), w.WEEKEND_HOLIDAY),  # Sunday night
            (datetime(2025, 7, 4, 10, 0), w.WEEKEND_HOLIDAY),  # a Friday holiday
        ],
    )
    def test_tiers(self, moment, code):
        assert w.reconnect_fee_code(moment, GRAYVILLE, HOLIDAYS) == code

    def test_split_day_counts_both_halves(self):
        hours = {0: [(8.0, 12.0), (13.0, 17.0)]}
        assert w.reconnect_fee_code(datetime(2025, 3, 3, 12, 30), hours, set()) == w.AFTER_HOURS
        assert w.reconnect_fee_code(datetime(2025, 3, 3, 13, 0), hours, set()) == w.BUSINESS_HOURS

    def test_needs_a_datetime(self):
        with pytest.raises(TypeError):
            w.reconnect_fee_code(date(2025, 3, 4), GRAYVILLE, HOLIDAYS)


class TestMapUrl:
    def test_coordinates_win_over_the_address(self):
        url = w.map_url(38.4, -88.0, "12 Main St")
        assert url.endswith("query=38.4000000,-88.0000000")

    def test_address_is_quoted(self):
        assert w.map_url(0.0, 0.0, "12 Main St, Grayville").endswith(
            "query=12+Main+St%2C+Grayville"
        )

    def test_nothing_to_point_at(self):
        assert w.map_url() == ""


class TestRouteSheetKey:
    def test_route_then_read_sequence_then_window_unrouted_last(self):
        stops = {
            "no route": w.route_sheet_key(None, 1, 0, 1),
            "B-10": w.route_sheet_key("B", 10, 0, 2),
            "A-20": w.route_sheet_key("A", 20, 0, 3),
            "A-10 pm": w.route_sheet_key("A", 10, 2, 4),
            "A-10 am": w.route_sheet_key("A", 10, 1, 5),
        }
        assert sorted(stops, key=stops.get) == ["A-10 am", "A-10 pm", "A-20", "B-10", "no route"]
