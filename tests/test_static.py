"""Static checks of both addons: manifests, XML, access rights, record rules, layout."""
import ast
import csv
import re

import pytest
from xml.etree import ElementTree as etree

from conftest import ADDONS, ROOT

MANIFEST_KEYS = {"name", "version", "license", "category", "application", "depends",
                 "data", "external_dependencies", "website", "summary"}


def manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


def model_classes(addon):
    """(model name, class node, is new model) for every Odoo model class of the addon."""
    found = []
    for path in sorted((ROOT / addon).rglob("*.py")):
        if "tests" in path.parts or "lib" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {
                target.id: stmt.value
                for stmt in node.body if isinstance(stmt, ast.Assign)
                for target in stmt.targets if isinstance(target, ast.Name)
            }
            if "_name" in attrs and isinstance(attrs["_name"], ast.Constant):
                inherit = attrs.get("_inherit")
                inherited = {
                    elt.value for elt in getattr(inherit, "elts", [inherit]) if isinstance(elt, ast.Constant)
                } if inherit is not None else set()
                found.append((attrs["_name"].value, node, attrs["_name"].value not in inherited))
    return found


def xml_records(addon):
    """Every <record> element of the addon's data files, as (model, id, element)."""
    for path in data_files(addon):
        if path.suffix == ".xml":
            for record in etree.parse(str(path)).iter("record"):
                yield record.get("model"), record.get("id"), record


def data_files(addon):
    data = manifest(addon).get("data", []) + manifest(addon).get("demo", [])
    return [ROOT / addon / name for name in data]


def model_xmlid(model):
    return "model_" + model.replace(".", "_")


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    data = manifest(addon)
    assert MANIFEST_KEYS <= set(data), MANIFEST_KEYS - set(data)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert data["application"] is True
    assert "numpy" in data["external_dependencies"]["python"]
    assert (ROOT / addon / "static/description/icon.png").is_file()
    assert (ROOT / addon / "static/description/index.html").is_file()
    requirements = (ROOT / "requirements.txt").read_text()
    for package in data["external_dependencies"]["python"]:
        assert re.search(rf"^{package}\b", requirements, re.M), f"{package} not in requirements.txt"


@pytest.mark.parametrize("addon", ADDONS)
def test_every_data_file_exists_parses_and_is_listed(addon):
    listed = set(data_files(addon))
    for path in listed:
        assert path.is_file(), f"{path} is listed in the manifest but missing"
    on_disk = {
        path for path in (ROOT / addon).rglob("*")
        if path.suffix in (".xml", ".csv") and "static" not in path.parts and "tests" not in path.parts
    }
    assert on_disk - listed == set(), "files not listed in the manifest"
    for path in on_disk:
        if path.suffix == ".xml":
            etree.parse(str(path))  # raises on malformed XML


@pytest.mark.parametrize("addon", ADDONS)
def test_python_compiles(addon):
    for path in (ROOT / addon).rglob("*.py"):
        compile(path.read_text(), str(path), "exec")


@pytest.mark.parametrize("addon", ADDONS)
def test_access_rows_name_existing_models_and_groups(addon):
    own_models = {name for name, _node, _new in model_classes(addon)}
    groups = {xmlid for model, xmlid, _r in xml_records(addon) if model == "res.groups"}
    with open(ROOT / addon / "security/ir.model.access.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        model_ref = row["model_id:id"]
        assert model_ref in {model_xmlid(m) for m in own_models}, f"{row['id']}: unknown model {model_ref}"
        group = row["group_id:id"]
        assert group in groups or "." in group, f"{row['id']}: unknown group {group}"


@pytest.mark.parametrize("addon", ADDONS)
def test_every_model_has_access_rules_and_company_rule(addon):
    with open(ROOT / addon / "security/ir.model.access.csv", newline="") as handle:
        covered = {row["model_id:id"] for row in csv.DictReader(handle)}
    rule_domains = {}
    for model, _xmlid, record in xml_records(addon):
        if model == "ir.rule":
            model_ref = record.find("field[@name='model_id']").get("ref")
            domain = record.find("field[@name='domain_force']").text or ""
            rule_domains.setdefault(model_ref.split(".")[-1], []).append(domain)
    for name, node, is_new in model_classes(addon):
        if not is_new or any("AbstractModel" in ast.unparse(base) for base in node.bases):
            continue  # inherited models keep their access rules; abstract ones have no table
        assert model_xmlid(name) in covered, f"model {name} has no access rule"
        source = ast.unparse(node)
        transient = any("TransientModel" in ast.unparse(base) for base in node.bases)
        if not transient and re.search(r"\bcompany_id = fields\.", source):
            domains = rule_domains.get(model_xmlid(name), [])
            assert any("company_ids" in d for d in domains), f"model {name} has no company rule"


@pytest.mark.parametrize("addon", ADDONS)
def test_groups_user_and_manager(addon):
    groups = {xmlid: record for model, xmlid, record in xml_records(addon) if model == "res.groups"}
    user, manager = f"{addon}_group_user", f"{addon}_group_manager"
    assert user in groups and manager in groups
    implied = groups[manager].find("field[@name='implied_ids']").get("eval")
    assert user in implied, "the manager group implies the user group"


@pytest.mark.parametrize("addon", ADDONS)
def test_odoo_tests_are_imported(addon):
    tests_dir = ROOT / addon / "tests"
    init = (tests_dir / "__init__.py").read_text()
    for path in tests_dir.glob("test_*.py"):
        assert f"import {path.stem}" in init, f"{path.name} is not imported in tests/__init__.py"
    for path in tests_dir.glob("test_*.py"):
        assert "post_install" in path.read_text(), f"{path.name} is not tagged post_install"


@pytest.mark.parametrize("addon", ADDONS)
def test_lib_does_not_import_odoo(addon):
    for path in (ROOT / addon / "lib").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "odoo" or n.startswith("odoo.") for n in names), path


@pytest.mark.parametrize("addon", ADDONS)
def test_views_use_odoo_18_syntax(addon):
    for path in data_files(addon):
        if path.suffix != ".xml":
            continue
        text = path.read_text()
        assert "<tree" not in text, f"{path.name}: use <list> in Odoo 18"
        assert "attrs=" not in text and "states=" not in text, f"{path.name}: use invisible=/readonly= expressions"


@pytest.mark.parametrize("addon", ADDONS)
def test_array_literal_round_trips_through_postgres_syntax(addon):
    from conftest import load_lib_module

    sqlarrays = load_lib_module(addon, "sqlarrays")
    assert sqlarrays.array_literal([]) == "{}"
    assert sqlarrays.array_literal([1, None, 2.5, True]) == '{"1",NULL,"2.5","True"}'
    assert sqlarrays.array_literal(['say "hi"', "back\\slash", "a,b"]) == '{"say \\"hi\\"","back\\\\slash","a,b"}'


def test_plain_array_literal_marks_nulls_without_quoting():
    from conftest import load_lib_module

    sqlarrays = load_lib_module("customer_segmentation", "sqlarrays")
    assert sqlarrays.plain_array_literal([]) == "{}"
    assert sqlarrays.plain_array_literal([1, 0, 3], [1]) == "{1,NULL,3}"
    assert sqlarrays.plain_array_literal([2.5, float("nan"), True]) == "{2.5,nan,True}"
    assert sqlarrays.plain_array_literal([2.5, float("nan")], [1]) == "{2.5,NULL}"
