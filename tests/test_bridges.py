"""Static checks of the bridge addons (an addon of ours + an optional Odoo app): no
models, lib or translations of their own, so only what applies to them of
test_static.py."""

import re
from xml.etree import ElementTree as etree

import pytest
import test_static as static
from conftest import BRIDGES, ROOT


@pytest.mark.parametrize("addon", BRIDGES)
def test_bridge_manifest(addon):
    data = static.manifest(addon)
    assert {"name", "version", "license", "author", "depends", "data"} <= set(data)
    assert data["version"].startswith("18.0.") and len(data["version"].split(".")) == 5
    assert data["license"] == "LGPL-3"
    assert data["auto_install"] is True and data["installable"] is True
    assert "supplier_evaluation" in data["depends"] or (
        "customer_segmentation" in data["depends"]
    )
    assert (ROOT / addon / "static/description/icon.png").is_file()


@pytest.mark.parametrize("addon", BRIDGES)
def test_bridge_data_files_exist_parse_and_are_listed(addon):
    listed = set(static.data_files(addon))
    for path in listed:
        assert path.is_file(), f"{path} is listed in the manifest but missing"
    on_disk = {
        path
        for path in (ROOT / addon).rglob("*")
        if path.suffix in (".xml", ".csv")
        and "static" not in path.parts
        and "tests" not in path.parts
    }
    assert on_disk and on_disk - listed == set(), "files not listed in the manifest"
    for path in on_disk:
        if path.suffix == ".xml":
            root = etree.parse(str(path)).getroot()
            assert root.tag == "odoo", path.name
            for element in root.iter():
                assert element.tag != "tree", f"{path.name}: use <list> in Odoo 18"
                assert "attrs" not in element.attrib, path.name
                assert "states" not in element.attrib, path.name


@pytest.mark.parametrize("addon", BRIDGES)
def test_bridge_groups_exist(addon):
    """Every group a bridge names is one of its base addon's or one that addon may
    name (tests/odoo_groups.txt)."""
    known = {
        line.split()[1]
        for line in (ROOT / "tests/odoo_groups.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for base in ("supplier_evaluation", "customer_segmentation"):
        for path in (ROOT / base / "security").glob("*groups*.xml"):
            for record in etree.parse(str(path)).iter("record"):
                if record.get("model") == "res.groups" and "." not in record.get("id"):
                    known.add(f"{base}.{record.get('id')}")
    text = "\n".join(
        path.read_text()
        for path in (ROOT / addon).rglob("*")
        if path.suffix in (".py", ".xml")
    )
    named = set(re.findall(r"groups=[\"']([^\"']+)[\"']", text))
    groups = {g.strip() for value in named for g in value.split(",")}
    assert groups, f"{addon} names no group"
    assert groups - known == set(), groups - known


@pytest.mark.parametrize("addon", BRIDGES)
def test_bridge_python_compiles_and_tests_are_tagged(addon):
    static.test_python_compiles(addon)
    static.test_odoo_tests_are_imported_and_tagged_post_install(addon)
