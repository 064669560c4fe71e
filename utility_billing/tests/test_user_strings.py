# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""No developer words in what a clerk reads.

Scans the addon's user-facing strings: translated messages (``_()`` and
``env._()``), the messages of the errors it raises, field labels, help texts
and selection labels, SQL constraint messages, and the strings of its XML
views, reports and data (labels, help, placeholders, confirmations, texts).
None may hold a developer word ("singleton", "recordset", "traceback",
"chunk"...) or an ISO date, and no message may put a raw date in a
placeholder (it prints as 2026-12-03: ``format_date`` gives the user's own
format).
"""

import ast
import re
from pathlib import Path

from lxml import etree

ADDON = Path(__file__).resolve().parent.parent
DEVELOPER_WORDS = re.compile(
    r"\b(singleton|recordset|traceback|chunks?|invalid operation|ensure_one|sudo|"
    r"xml ?id|res\.\w+|account\.move\.line|nonetype|keyerror|valueerror|psycopg2?|"
    r"stack trace|null value|constraint violation|orm)\b",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|%Y-%m-%d")
XML_ATTRIBUTES = ("string", "help", "placeholder", "confirm", "sum", "title", "alt")
# Arch and template texts; <field name="arch"> holds views, <template> reports.
XML_SKIP_TAGS = {"field", "t"}
ERRORS = {"UserError", "ValidationError", "AccessError", "RedirectWarning"}


def _constant(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_strings(node):
    """Strings of one call: a message, an error, a field's label, help and selections."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = _constant(node.args[0]) if node.args else None
    if name == "_" and first:
        found = [(node.lineno, first, "message")]
        for keyword in node.keywords:
            value = keyword.value
            # A date interpolated as is prints in ISO format.
            if isinstance(value, ast.Attribute) and (
                value.attr == "date" or value.attr.startswith("date_")
            ):
                found.append((node.lineno, f"%({keyword.arg})s <- raw date", "raw date"))
        return found
    if name in ERRORS and first:
        return [(node.lineno, first, "error")]
    if not (isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "fields"):
        return []
    found = [
        (node.lineno, _constant(keyword.value), keyword.arg)
        for keyword in node.keywords
        if keyword.arg in ("string", "help") and _constant(keyword.value)
    ]
    if name == "Selection" and node.args and isinstance(node.args[0], ast.List):
        found += [
            (node.lineno, _constant(item.elts[1]), "selection")
            for item in node.args[0].elts
            if isinstance(item, ast.Tuple) and len(item.elts) == 2 and _constant(item.elts[1])
        ]
    return found


def _assign_strings(node):
    """A field's label from its name (no string=), SQL constraint messages."""
    target = node.targets[0] if len(node.targets) == 1 else None
    if not isinstance(target, ast.Name):
        return []
    value = node.value
    if target.id == "_sql_constraints":
        return [
            (node.lineno, _constant(item.elts[2]), "constraint")
            for item in getattr(value, "elts", [])
            if isinstance(item, ast.Tuple) and len(item.elts) == 3 and _constant(item.elts[2])
        ]
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and getattr(value.func.value, "id", "") == "fields"
        and not any(keyword.arg == "string" for keyword in value.keywords)
    ):
        # Labelled after its name: "chunk_size" reads "Chunk Size".
        label = target.id.removesuffix("_ids").removesuffix("_id")
        return [(node.lineno, label.replace("_", " ").title(), "label")]
    return []


def _python_strings(path):
    """(line, text, kind) of the user-facing strings of one Python file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            found += _call_strings(node)
        elif isinstance(node, ast.Assign):
            found += _assign_strings(node)
    return found


def _xml_strings(path):
    tree = etree.parse(str(path))
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in XML_ATTRIBUTES:
            value = element.get(attribute)
            if value:
                found.append((element.sourceline, value, attribute))
        inside_arch = any(
            ancestor.tag == "field" and ancestor.get("name") in ("arch", "help")
            for ancestor in element.iterancestors()
        ) or any(ancestor.tag == "template" for ancestor in element.iterancestors())
        if inside_arch and element.tag not in XML_SKIP_TAGS and (element.text or "").strip():
            found.append((element.sourceline, element.text.strip(), "text"))
        if element.tag == "field" and element.get("name") in ("name", "help") and element.text:
            parent = element.getparent()
            if parent is not None and parent.get("model") in (
                "ir.actions.act_window",
                "ir.actions.report",
                "ir.ui.menu",
            ):
                found.append((element.sourceline, element.text.strip(), "name"))
    return found


def _offenders():
    offenders = []
    for path in sorted(ADDON.rglob("*.py")):
        if "tests" in path.relative_to(ADDON).parts:
            continue
        for line, text, kind in _python_strings(path):
            offenders.extend(_check(path, line, text, kind))
    for path in sorted(ADDON.rglob("*.xml")):
        for line, text, kind in _xml_strings(path):
            offenders.extend(_check(path, line, text, kind))
    return offenders


def _check(path, line, text, kind):
    where = f"{path.relative_to(ADDON)}:{line} ({kind})"
    if kind == "raw date":
        return [f"{where}: {text}"]
    problems = []
    if match := DEVELOPER_WORDS.search(text):
        problems.append(f"{where}: '{match.group(0)}' in {text!r}")
    if match := ISO_DATE.search(text):
        problems.append(f"{where}: ISO date '{match.group(0)}' in {text!r}")
    return problems


def test_scanner_finds_developer_words(tmp_path):
    """The scanner itself: it sees a message, a field label and a view string."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from odoo import fields\n"
        "x = self.env._('Expected singleton on %(date)s', date=run.date_from)\n"
        "size = fields.Integer(string='Chunk Size')\n"
        "raise UserError('bad recordset')\n"
    )
    kinds = [kind for _line, _text, kind in _python_strings(sample)]
    assert kinds.count("message") == 1 and "raw date" in kinds
    texts = [text for _line, text, _kind in _python_strings(sample)]
    assert any(DEVELOPER_WORDS.search(text) for text in texts if "Chunk" in text)
    view = tmp_path / "view.xml"
    view.write_text(
        '<odoo><record model="ir.ui.view" id="v"><field name="arch" type="xml">'
        '<form><p>No traceback here</p><field name="x" string="Chunk Size"/></form>'
        "</field></record></odoo>"
    )
    assert {text for _line, text, _kind in _xml_strings(view)} == {
        "Chunk Size",
        "No traceback here",
    }
    js = ADDON / "static" / "src" / "js" / "utility_error_titles.js"
    # The web client's title of every refusal is not "Invalid Operation".
    assert 'set("odoo.exceptions.UserError", _t("Please Check"))' in js.read_text()


def test_no_developer_words_reach_clerks():
    offenders = _offenders()
    assert not offenders, "developer words in user-facing strings:\n" + "\n".join(offenders)
