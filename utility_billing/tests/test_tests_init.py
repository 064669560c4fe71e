# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
from pathlib import Path

from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestTestsInit(BaseCase):
    def test_every_test_module_is_imported(self):
        """Odoo's runner only runs the test modules ``tests/__init__.py`` imports:
        a test file missing there would pass under pytest and never run in an
        OCA-style CI (``odoo-bin --test-enable``)."""
        folder = Path(__file__).parent
        tree = ast.parse((folder / "__init__.py").read_text())
        imported = {
            alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
            for alias in node.names
        }
        on_disk = {path.stem for path in folder.glob("test_*.py")}
        self.assertEqual(on_disk - imported, set(), "test modules missing in tests/__init__.py")
        self.assertEqual(imported - on_disk, set(), "tests/__init__.py imports missing modules")
