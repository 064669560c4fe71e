# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest settings shared by every test of the repository."""

from hypothesis import HealthCheck, settings

# Property tests run on a 2-core machine shared with PostgreSQL and Odoo:
# their speed says nothing about correctness, so no deadline and no
# "too slow" health check (examples still run in full).
settings.register_profile(
    "utility_billing", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("utility_billing")
