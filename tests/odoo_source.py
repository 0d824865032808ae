"""Odoo's source tree, when one is found, to resolve the xml ids of Odoo's own modules.

Looked for in this order: $ODOO_ROOT (the folder holding odoo-bin), the folder of the
odoo-bin named in $ODOO_BIN (e.g. "python3 /path/odoo-bin"), odoo-bin on PATH, and an
importable ``odoo`` package (found, not imported). Nothing here imports Odoo.
"""

import ast
import functools
import importlib.util
import os
import shlex
import shutil
from pathlib import Path
from xml.etree import ElementTree as etree


def _is_odoo_root(path):
    return (path / "odoo" / "addons" / "base" / "__manifest__.py").is_file()


@functools.cache
def find_odoo_root():
    """The folder that holds ``odoo/addons/base`` (and ``addons/`` in a source
    checkout), or None."""
    if os.environ.get("ODOO_ROOT"):
        root = Path(os.environ["ODOO_ROOT"]).expanduser()
        if not _is_odoo_root(root):
            raise RuntimeError(f"ODOO_ROOT={root} holds no odoo/addons/base")
        return root.resolve()
    candidates = []
    for word in shlex.split(os.environ.get("ODOO_BIN", "")):
        found = word if Path(word).expanduser().exists() else shutil.which(word)
        if found:
            candidates.append(Path(found).expanduser().resolve().parent)
    if shutil.which("odoo-bin"):
        candidates.append(Path(shutil.which("odoo-bin")).resolve().parent)
    try:
        spec = importlib.util.find_spec("odoo")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates += [
            Path(location).resolve().parent
            for location in spec.submodule_search_locations
        ]
    return next((path for path in candidates if _is_odoo_root(path)), None)


def module_dir(root, module):
    for addons in (root / "odoo" / "addons", root / "addons"):
        if (addons / module / "__manifest__.py").is_file():
            return addons / module
    return None


def _manifest(root, module):
    path = module_dir(root, module)
    assert path is not None, f"module {module} not found in {root}"
    return path, ast.literal_eval((path / "__manifest__.py").read_text())


@functools.cache
def _closure(root, depends):
    seen, todo = set(), list(depends) + ["base"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += _manifest(root, module)[1].get("depends", [])
    return frozenset(seen)


@functools.cache
def _module_groups(root, module):
    """Qualified ids of the res.groups records that ``module``'s data files define."""
    path, manifest = _manifest(root, module)
    groups = set()
    for name in manifest.get("data", []):
        file = path / name
        if file.suffix != ".xml" or "res.groups" not in file.read_text(
            encoding="utf-8"
        ):
            continue
        for record in etree.parse(str(file)).iter("record"):
            xmlid = record.get("id", "")
            qualified = xmlid if "." in xmlid else f"{module}.{xmlid}"
            if (
                record.get("model") == "res.groups"
                and qualified.split(".")[0] == module
            ):
                groups.add(qualified)
    return frozenset(groups)


def odoo_groups(root, depends):
    """Qualified ids of the groups defined by ``depends`` and everything they depend
    on."""
    return set().union(
        *(_module_groups(root, module) for module in _closure(root, tuple(depends)))
    )
