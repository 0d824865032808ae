"""Translations of both addons and their bridges: every string the Python code
marks for translation is in the addon's .pot and translated in zh_CN.po, and the
Chinese texts follow Chinese punctuation.
"""

import ast
import re
from xml.etree import ElementTree as etree

import pytest
from conftest import ADDONS, BRIDGES, ROOT

# (addon, path relative to the addon, line) of calls on a non-literal, with the reason.
NON_LITERAL_ALLOWED = {}
FULL_WIDTH_PUNCTUATION = "，。：；！？）、"
# Attributes of view and template nodes that Odoo translates (a subset of
# odoo.tools.translate.TRANSLATED_ATTRS: the ones these addons use).
VIEW_ATTRIBUTES = (
    "string",
    "help",
    "placeholder",
    "title",
    "confirm",
    "aria-label",
    "alt",
    "sum",
    "avg",
)


def python_files(addon):
    return sorted(
        path
        for path in (ROOT / addon).rglob("*.py")
        if "tests" not in path.relative_to(ROOT / addon).parts
    )


def is_translation_call(node):
    func = node.func
    if isinstance(func, ast.Name):
        return func.id in ("_", "_lt")
    # self.env._(...), env._(...), record.env._(...)
    return isinstance(func, ast.Attribute) and func.attr == "_"


def translated_strings(addon):
    """(literal strings, [(file, line) of calls on a non-literal])."""
    literals, others = set(), []
    for path in python_files(addon):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and is_translation_call(node)):
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literals.add(first.value)
            else:
                others.append((str(path.relative_to(ROOT / addon)), node.lineno))
    return literals, others


def view_attribute_strings(addon):
    """{text: file} of the translatable attributes of the addon's views and
    templates (demo data left out: the template is exported without it)."""
    found = {}
    for path in sorted((ROOT / addon).rglob("*.xml")):
        if "demo" in path.name:
            continue
        root = etree.parse(path).getroot()
        archs = [
            field
            for record in root.iter("record")
            if record.get("model") == "ir.ui.view"
            for field in record.iter("field")
            if field.get("name") == "arch"
        ] + list(root.iter("template"))
        for arch in archs:
            for node in arch.iter():
                for attribute in VIEW_ATTRIBUTES:
                    text = node.get(attribute)
                    if text and any(c.isalpha() for c in text):
                        found[text] = str(path.relative_to(ROOT))
    return found


def _unquote(text):
    return ast.literal_eval(text)


def po_entries(path):
    """{msgid: msgstr} of a PO file (singular entries; the header is left out)."""
    entries = {}
    msgid = msgstr = None
    current = None

    def flush():
        if msgid:
            entries[msgid] = msgstr or ""

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if line.startswith("#") and current == "msgstr":
                flush()
                msgid = msgstr = current = None
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr, current = _unquote(line[6:]), None, "msgid"
        elif line.startswith("msgstr "):
            msgstr, current = _unquote(line[7:]), "msgstr"
        elif line.startswith('"'):
            if current == "msgid":
                msgid += _unquote(line)
            elif current == "msgstr":
                msgstr += _unquote(line)
        else:  # msgctxt, msgid_plural: not used by these addons
            current = None
    flush()
    return entries


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_translation_calls_take_literals(addon):
    _literals, others = translated_strings(addon)
    unexpected = [
        (path, line)
        for path, line in others
        if (addon, path, line) not in NON_LITERAL_ALLOWED
    ]
    assert not unexpected, (
        "_() on a non-literal never reaches the .pot: give it the literal string"
    )


def assert_in_pot_and_translated(addon, texts, inline=False):
    """``texts``: {text: where it comes from}. With ``inline``, a text may also be
    part of a larger msgid: Odoo exports an inline element (an icon with its title)
    inside the text around it."""
    pot = po_entries(ROOT / addon / "i18n" / f"{addon}.pot")
    zh = po_entries(ROOT / addon / "i18n" / "zh_CN.po")

    def msgids(text):
        if text in pot:
            return [text]
        return [msgid for msgid in pot if f'"{text}"' in msgid] if inline else []

    missing = sorted(
        f"{where}: {text}" for text, where in texts.items() if not msgids(text)
    )
    assert not missing, f"not in {addon}.pot (export it again): {missing}"
    untranslated = sorted(
        msgid for text in texts for msgid in msgids(text) if not zh.get(msgid)
    )
    assert not untranslated, f"not translated in zh_CN.po: {untranslated}"


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_python_strings_are_in_the_pot_and_translated(addon):
    literals, _others = translated_strings(addon)
    # A bridge may have nothing to say in Python; the two addons always do.
    assert literals or addon in BRIDGES, "no string found"
    assert_in_pot_and_translated(addon, dict.fromkeys(literals, "python"))


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_view_attributes_are_in_the_pot_and_translated(addon):
    texts = view_attribute_strings(addon)
    assert texts or addon in BRIDGES, "no view found"
    assert_in_pot_and_translated(addon, texts, inline=True)


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_zh_cn_po_follows_the_pot(addon):
    pot = po_entries(ROOT / addon / "i18n" / f"{addon}.pot")
    zh = po_entries(ROOT / addon / "i18n" / "zh_CN.po")
    assert not sorted(set(pot) - set(zh)), "merge zh_CN.po with the .pot"
    assert not sorted(text for text in pot if not zh[text]), "untranslated msgids"


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_zh_cn_punctuation(addon):
    zh = po_entries(ROOT / addon / "i18n" / "zh_CN.po")
    # A line break shows as a space too (HTML, help texts).
    spaced = re.compile(f"[{FULL_WIDTH_PUNCTUATION}]\\s")
    bad = sorted(msgstr for msgstr in zh.values() if spaced.search(msgstr))
    assert not bad, f"space after full-width punctuation: {bad}"
    # A placeholder (a date, a number) then an English full stop ends a Chinese
    # sentence: it takes 。 like any other.
    english_stop = re.compile(r"(%\([a-z_]+\)[sd]|%s|%d)\.(\s|$)")
    bad = sorted(
        msgstr
        for msgid, msgstr in zh.items()
        if english_stop.search(msgstr) and re.search("[\u4e00-\u9fff]", msgstr)
    )
    assert not bad, f"English full stop in a Chinese sentence: {bad}"


def test_po_parser_reads_continued_lines(tmp_path):
    path = tmp_path / "x.po"
    path.write_text(
        'msgid ""\nmsgstr "Header: x\\n"\n\n#. code\nmsgid ""\n"Two "\n"lines"\n'
        'msgstr "两行"\n\nmsgid "Empty"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert po_entries(path) == {"Two lines": "两行", "Empty": ""}
