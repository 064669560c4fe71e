"""Pure, ORM-free logic of utility billing: rating, consumption, read edits, file parsing.

Nothing here imports Odoo, so the arithmetic can be proven with plain unit tests.
"""
