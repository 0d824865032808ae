"""Static checks of both addons: manifests, data files, access rights, record rules,
groups, views, the addons' Odoo test modules and the imports of lib/.

They need no Odoo. Groups of Odoo's own modules are checked against
tests/odoo_groups.txt and, when an Odoo source tree is found (see odoo_source.py),
against Odoo's source as well.
"""

import ast
import csv
import sys
from xml.etree import ElementTree as etree

import pytest
from conftest import ADDONS, BRIDGES, EXTERNAL_ADDONS, ROOT
from odoo_source import find_odoo_root, odoo_groups

MANIFEST_KEYS = {
    "name",
    "version",
    "license",
    "category",
    "application",
    "depends",
    "data",
    "external_dependencies",
    "website",
    "summary",
}
ACCESS_COLUMNS = [
    "id",
    "name",
    "model_id:id",
    "group_id:id",
    "perm_read",
    "perm_write",
    "perm_create",
    "perm_unlink",
]
# View types of Odoo 18 (community and enterprise); "tree" became "list".
VIEW_TYPES = {
    "list",
    "form",
    "kanban",
    "graph",
    "pivot",
    "calendar",
    "search",
    "qweb",
    "activity",
    "gantt",
    "map",
    "cohort",
    "hierarchy",
}
# x2many fields of Odoo's models whose values are groups (ir.rule, ir.ui.menu,
# res.users, ...).
GROUP_FIELDS = {
    "groups",
    "groups_id",
    "group_ids",
    "implied_ids",
    "implied_by_ids",
    "group_id",
}
ODOO_GROUP_LIST = ROOT / "tests" / "odoo_groups.txt"


# --- reading the addons ------------------------------------------------------


def manifest(addon):
    return ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())


def data_files(addon, demo=True):
    data = manifest(addon).get("data", []) + (
        manifest(addon).get("demo", []) if demo else []
    )
    return [ROOT / addon / name for name in data]


def xml_records(addon, demo=False):
    """Every <record> of the addon's data files (demo too if asked), as (model, id,
    element)."""
    for path in data_files(addon, demo):
        if path.suffix == ".xml":
            for record in etree.parse(str(path)).iter("record"):
                yield record.get("model"), record.get("id"), record


def python_sources(addon):
    """The addon's Python files that Odoo runs as the addon: not its tests, not lib/."""
    paths = [
        path
        for path in sorted((ROOT / addon).rglob("*.py"))
        if not {"tests", "lib", "migrations"}
        & set(path.relative_to(ROOT / addon).parts)
    ]
    assert paths, f"no Python source found in {addon}"
    return paths


def model_classes(addon):
    """(model name, class node, is new model) for every Odoo model class of the
    addon."""
    found = []
    for path in python_sources(addon):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {
                target.id: stmt.value
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                for target in stmt.targets
                if isinstance(target, ast.Name)
            }
            if "_name" in attrs and isinstance(attrs["_name"], ast.Constant):
                inherit = attrs.get("_inherit")
                inherited = (
                    {
                        elt.value
                        for elt in getattr(inherit, "elts", [inherit])
                        if isinstance(elt, ast.Constant)
                    }
                    if inherit is not None
                    else set()
                )
                found.append(
                    (attrs["_name"].value, node, attrs["_name"].value not in inherited)
                )
    assert found or addon in BRIDGES, f"no model class found in {addon}"
    return found


def base_names(node):
    return {ast.unparse(base).split(".")[-1] for base in node.bases}


def declares_field(node, name):
    """True when the class body assigns ``name = fields.Something(...)``."""
    return any(
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Call)
        and ast.unparse(stmt.value.func).startswith("fields.")
        and any(
            isinstance(target, ast.Name) and target.id == name
            for target in stmt.targets
        )
        for stmt in node.body
    )


def model_xmlid(model):
    return "model_" + model.replace(".", "_")


def qualified(addon, xmlid):
    return xmlid if "." in xmlid else f"{addon}.{xmlid}"


def eval_refs(node):
    """The xml ids named by ref('...') calls inside an expression node."""
    return [
        call.args[0].value
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "ref"
        and call.args
        and isinstance(call.args[0], ast.Constant)
    ]


def linked_refs(eval_text):
    """Xml ids that an x2many ``eval`` adds: (4, ref(x)), (6, 0, [ref(x)]),
    Command.link/set.

    Removals (2, 3), clear (5) and anything else add nothing.
    """
    node = ast.parse(eval_text.strip(), mode="eval").body
    commands = node.elts if isinstance(node, ast.List | ast.Tuple) else [node]
    linked = []
    for command in commands:
        if (
            isinstance(command, ast.Tuple | ast.List)
            and command.elts
            and isinstance(command.elts[0], ast.Constant)
        ):
            code, args = command.elts[0].value, command.elts[1:]
            if code == 4 and args:
                linked += eval_refs(args[0])
            elif code == 6 and len(args) == 2:
                linked += eval_refs(args[1])
        elif isinstance(command, ast.Call) and ast.unparse(command.func) in (
            "Command.link",
            "Command.set",
        ):
            linked += [ref for arg in command.args for ref in eval_refs(arg)]
    return linked


# --- manifest and data files -------------------------------------------------


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    data = manifest(addon)
    assert MANIFEST_KEYS <= set(data), MANIFEST_KEYS - set(data)
    assert data["version"].startswith("18.0.") and len(data["version"].split(".")) == 5
    assert all(part.isdigit() for part in data["version"].split(".")), data["version"]
    assert data["license"] == "LGPL-3"
    assert data["application"] is True
    assert "numpy" in data["external_dependencies"]["python"]
    assert (ROOT / addon / "static/description/icon.png").is_file()
    assert (ROOT / addon / "static/description/index.html").is_file()
    requirements = {
        line.split(">")[0].split("=")[0].split("<")[0].strip().lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and line[0] != "#"
    }
    for package in data["external_dependencies"]["python"]:
        assert package.lower() in requirements, f"{package} not in requirements.txt"


@pytest.mark.parametrize("addon", BRIDGES)
def test_bridge_manifest(addon):
    """A bridge installs by itself once the addon and the app it links are there."""
    data = manifest(addon)
    assert MANIFEST_KEYS - {"application", "external_dependencies"} <= set(data)
    assert data["version"].startswith("18.0.") and len(data["version"].split(".")) == 5
    assert data["license"] == "LGPL-3"
    assert data["auto_install"] is True and not data.get("application")
    assert len(data["depends"]) == 2
    assert data["depends"][0] in ADDONS, data["depends"]
    assert (ROOT / addon / "static/description/icon.png").is_file()
    assert (ROOT / addon / "static/description/index.html").is_file()
    assert (ROOT / addon / "readme/DESCRIPTION.md").is_file()


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_every_data_file_exists_parses_and_is_listed(addon):
    listed = set(data_files(addon))
    for path in listed:
        assert path.is_file(), f"{path} is listed in the manifest but missing"
    on_disk = {
        path
        for path in (ROOT / addon).rglob("*")
        if path.suffix in (".xml", ".csv")
        and "static" not in path.parts
        and "tests" not in path.parts
    }
    suffixes = {path.suffix for path in on_disk}
    # A bridge that only extends models has no access file.
    assert suffixes == {".xml", ".csv"} or (
        addon in BRIDGES and suffixes == {".xml"}
    ), "no XML or no CSV data file found"
    assert on_disk - listed == set(), "files not listed in the manifest"
    for path in sorted(on_disk):
        if path.suffix == ".xml":
            root = etree.parse(str(path)).getroot()  # raises on malformed XML
            assert root.tag == "odoo", (
                f"{path.name}: the root element is <{root.tag}>, not <odoo>"
            )
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle, strict=True))  # raises on a malformed quote
        assert len(rows) > 1, f"{path.name}: no data row"
        header = rows[0]
        assert "id" in header and len(set(header)) == len(header), (
            f"{path.name}: header {header}"
        )
        if path.name == "ir.model.access.csv":
            assert set(header) == set(ACCESS_COLUMNS), f"{path.name}: header {header}"
        for number, row in enumerate(rows[1:], start=2):
            assert len(row) == len(header), (
                f"{path.name}:{number}: {len(row)} columns, header has {len(header)}"
            )
        ids = [row[header.index("id")] for row in rows[1:]]
        assert all(ids), f"{path.name}: a row has no id"
        assert len(set(ids)) == len(ids), f"{path.name}: duplicate ids"


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_python_compiles(addon):
    paths = sorted((ROOT / addon).rglob("*.py"))
    assert paths
    for path in paths:
        compile(path.read_text(), str(path), "exec")


# --- access rights, groups, record rules -------------------------------------


def access_rows(addon):
    path = ROOT / addon / "security/ir.model.access.csv"
    if addon in BRIDGES and not path.is_file():
        return []  # a bridge that only extends models
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    return rows


def own_groups(addon):
    """Qualified ids of the res.groups records the addon defines (not those it
    extends)."""
    return {
        qualified(addon, xmlid)
        for model, xmlid, _record in xml_records(addon)
        if model == "res.groups" and qualified(addon, xmlid).split(".")[0] == addon
    }


def _data_group_references(path):
    """(where, group id) for every group a data file (CSV or XML) names."""
    found = []
    if path.suffix == ".csv":
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("group_id:id"):
                    found.append((f"{path.name}: {row['id']}", row["group_id:id"]))
        return found
    for element in etree.parse(str(path)).iter():
        name = element.get("id") or element.get("name") or ""
        where = f"{path.name}: <{element.tag} {name}>"
        for group in filter(None, (element.get("groups") or "").split(",")):
            found.append((where, group.strip().lstrip("!")))
        if element.tag == "record" and element.get("model") == "res.groups":
            found.append((where, element.get("id")))
        if element.tag == "field" and element.get("name") in GROUP_FIELDS:
            if element.get("ref"):
                found.append((where, element.get("ref")))
            if element.get("eval"):
                found += [
                    (where, ref)
                    for ref in eval_refs(ast.parse(element.get("eval"), mode="eval"))
                ]
    return found


def _python_group_references(addon, path):
    """(where, group id) for every group a Python source names (groups=, has_group)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        where = f"{path.relative_to(ROOT / addon)}:{node.lineno}"
        for keyword in node.keywords:
            if keyword.arg in ("groups", "implied_group") and isinstance(
                keyword.value, ast.Constant
            ):
                found += [
                    (where, group.strip().lstrip("!"))
                    for group in keyword.value.value.split(",")
                ]
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "has_group"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.append((where, node.args[0].value))
    return found


def group_references(addon):
    """(where, qualified group id) for every group the addon names, in data files and
    Python."""
    found = []
    for path in data_files(addon):
        found += _data_group_references(path)
    for path in python_sources(addon):
        found += _python_group_references(addon, path)
    return [(where, qualified(addon, group)) for where, group in found]


def listed_odoo_groups():
    """{addon: {group}} of tests/odoo_groups.txt."""
    listed = {addon: set() for addon in ADDONS + BRIDGES}
    for line in ODOO_GROUP_LIST.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            addon, group = line.split()
            listed[addon].add(group)
    return listed


def odoo_depends(addon):
    """The Odoo modules an addon depends on (a bridge: through the addon it extends)."""
    found = []
    for dep in manifest(addon)["depends"]:
        if dep in ADDONS:
            found += odoo_depends(dep)
        elif dep not in EXTERNAL_ADDONS:  # OCA's: not in Odoo's source tree
            found.append(dep)
    return found


def odoo_groups_used(addon):
    return {
        group
        for _where, group in group_references(addon)
        if group.split(".")[0] not in (addon, *ADDONS)
    }


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_access_rows_name_existing_models(addon):
    own_models = {model_xmlid(name) for name, _node, _new in model_classes(addon)}
    depends = manifest(addon)["depends"] if addon in BRIDGES else []
    for row in access_rows(addon):
        # A bridge may grant access to a model of the addon it bridges.
        assert row["model_id:id"] in own_models or (
            row["model_id:id"].split(".")[0] in depends
        ), f"{row['id']}: unknown model {row['model_id:id']}"
        assert row["group_id:id"], (
            f"{row['id']}: an access row without group gives everyone access"
        )


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_groups_named_exist(addon):
    """Every group named by an access row, a rule, a view, a field or has_group()
    exists: the addon's own in its XML; Odoo's in the listed ones and, with Odoo's
    source, in a dependency."""
    references = group_references(addon)
    has_access_file = (ROOT / addon / "security/ir.model.access.csv").is_file()
    assert not has_access_file or any(
        where.startswith("ir.model.access.csv") for where, _group in references
    )
    # A bridge names the groups of the addon it extends.
    mine = own_groups(addon).union(
        *(own_groups(dep) for dep in manifest(addon)["depends"] if dep in ADDONS)
    )
    listed = listed_odoo_groups()[addon]
    root = find_odoo_root()
    known = odoo_groups(root, odoo_depends(addon)) if root else None
    unknown = []
    for where, group in references:
        if group.split(".")[0] == addon or group in mine:
            ok = group in mine
        elif group.split(".")[0] in EXTERNAL_ADDONS:
            ok = group in listed
        else:
            ok = group in listed and (known is None or group in known)
        if not ok:
            unknown.append(f"{where}: {group}")
    assert not unknown, (
        "groups that do not exist"
        + ("" if root else f" (Odoo's are checked against {ODOO_GROUP_LIST.name})")
        + ":\n"
        + "\n".join(unknown)
    )


def test_odoo_group_list_is_what_the_addons_use():
    listed = listed_odoo_groups()
    for addon in ADDONS + BRIDGES:
        used = odoo_groups_used(addon)
        assert used or addon in BRIDGES, (
            f"{addon} names no group of Odoo's: the scan finds nothing"
        )
        assert used - listed[addon] == set(), (
            f"add to {ODOO_GROUP_LIST.name}: {addon} {sorted(used - listed[addon])}"
        )
        assert listed[addon] - used == set(), (
            f"{addon} no longer uses {sorted(listed[addon] - used)}"
        )


def test_odoo_group_list_matches_odoo_source():
    root = find_odoo_root()
    if root is None:
        pytest.skip(
            "no Odoo source tree found (ODOO_ROOT, ODOO_BIN, odoo-bin on PATH, "
            "importable odoo)"
        )
    assert "base.group_user" in odoo_groups(root, ["base"]), f"no group found in {root}"
    for addon, groups in listed_odoo_groups().items():
        known = odoo_groups(root, odoo_depends(addon))
        missing = {g for g in groups if g.split(".")[0] not in EXTERNAL_ADDONS} - known
        assert not missing, (
            f"{ODOO_GROUP_LIST.name}: not a group of {addon}'s dependencies: "
            f"{sorted(missing)}"
        )


def domain_tree(text):
    """The terms of a domain (implicitly and-ed), each a tree in Polish notation:
    ('&' | '|', left, right), ('!', term) or ('leaf', tuple node)."""
    node = ast.parse(text.strip(), mode="eval").body
    assert isinstance(node, ast.List), f"a domain is a list: {text}"
    items, position = node.elts, 0

    def term():
        nonlocal position
        assert position < len(items), f"an operator lacks its operands: {text}"
        item = items[position]
        position += 1
        if isinstance(item, ast.Constant) and item.value in ("&", "|"):
            return item.value, term(), term()
        if isinstance(item, ast.Constant) and item.value == "!":
            return "!", term()
        assert isinstance(item, ast.Tuple | ast.List) and len(item.elts) == 3, (
            f"not a domain leaf: {ast.unparse(item)}"
        )
        return "leaf", item

    terms = []
    while position < len(items):
        terms.append(term())
    return terms


def is_company_leaf(leaf):
    """('company_id', 'in', company_ids), ('company_id', '=', company_id), a path ending
    in company_id, or ('company_id', '=', False) for records shared by every company."""
    field, operator, value = leaf.elts
    values = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
    return (
        isinstance(field, ast.Constant)
        and isinstance(field.value, str)
        and field.value.split(".")[-1] == "company_id"
        and isinstance(operator, ast.Constant)
        and operator.value in ("in", "=", "child_of")
        and bool(values)
        and all(
            (isinstance(v, ast.Name) and v.id in ("company_ids", "company_id"))
            or (isinstance(v, ast.Constant) and v.value is False)
            for v in values
        )
    )


def binds_company(term):
    """True when every record the term accepts satisfies a company leaf: an '&' binds
    when one side does, an '|' only when both do, a negation never."""
    if term[0] == "leaf":
        return is_company_leaf(term[1])
    if term[0] == "&":
        return binds_company(term[1]) or binds_company(term[2])
    if term[0] == "|":
        return binds_company(term[1]) and binds_company(term[2])
    return False


def domain_binds_company(text):
    return any(binds_company(term) for term in domain_tree(text))


@pytest.mark.parametrize(
    "domain, binds",
    [
        ("[('company_id', 'in', company_ids)]", True),
        ("[('active', '=', True), ('company_id', 'in', company_ids)]", True),
        ("['&', (1, '=', 1), ('order_id.company_id', 'in', company_ids)]", True),
        ("['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]", True),
        ("['|', (1, '=', 1), ('company_id', 'in', company_ids)]", False),
        (
            "['|', ('company_id', 'in', company_ids), ('partner_id', '=', "
            "user.partner_id.id)]",
            False,
        ),
        ("['!', ('company_id', 'in', company_ids)]", False),
        ("[('company_id', 'not in', company_ids)]", False),
        ("[('company_id', 'in', company_ids + [1])]", False),
        ("[(1, '=', 1)]", False),
    ],
)
def test_company_condition_binds(domain, binds):
    assert domain_binds_company(domain) is binds


def test_domain_tree_refuses_malformed_domains():
    for domain in (
        "['|', ('company_id', 'in', company_ids)]",
        "[('company_id', 'in')]",
        "('a', '=', 1)",
    ):
        with pytest.raises(AssertionError):
            domain_tree(domain)


@pytest.mark.parametrize(
    "addon",
    ADDONS
    + tuple(
        b for b in BRIDGES if (ROOT / b / "security/ir.model.access.csv").is_file()
    ),
)
def test_every_model_has_access_rules_and_company_rule(addon):
    covered = {row["model_id:id"] for row in access_rows(addon)}
    company_rules = {}
    for model, xmlid, record in xml_records(addon):
        if model != "ir.rule":
            continue
        fields = {field.get("name"): field for field in record.iter("field")}
        domain = fields["domain_force"].text if "domain_force" in fields else None
        applies_to_all = "groups" not in fields and all(
            (fields[name].get("eval") or "").strip() not in ("False", "0")
            for name in ("active", "perm_read")
            if name in fields
        )
        if applies_to_all and domain and domain_binds_company(domain):
            company_rules.setdefault(
                fields["model_id"].get("ref").split(".")[-1], []
            ).append(xmlid)
    checked = 0
    for name, node, is_new in model_classes(addon):
        # inherited models keep their access rules; abstract ones have no table
        if not is_new or "AbstractModel" in base_names(node):
            continue
        assert model_xmlid(name) in covered, f"model {name} has no access rule"
        if "TransientModel" not in base_names(node) and declares_field(
            node, "company_id"
        ):
            checked += 1
            assert company_rules.get(model_xmlid(name)), (
                f"model {name} has no global rule that keeps records to the user's "
                "companies"
            )
    assert checked or addon in BRIDGES, (
        f"no model of {addon} with a company_id field found"
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_groups_user_and_manager(addon):
    groups = {
        xmlid: record
        for model, xmlid, record in xml_records(addon)
        if model == "res.groups"
    }
    user, manager = f"{addon}_group_user", f"{addon}_group_manager"
    assert user in groups and manager in groups

    def implied(xmlid):
        field = groups[xmlid].find("field[@name='implied_ids']")
        return (
            {qualified(addon, ref) for ref in linked_refs(field.get("eval"))}
            if field is not None
            else set()
        )

    assert f"{addon}.{user}" in implied(manager), (
        "the manager group implies the user group"
    )
    assert "base.group_user" in implied(user), "the user group implies internal user"


@pytest.mark.parametrize(
    "eval_text, linked",
    [
        ("[(4, ref('a'))]", ["a"]),
        ("[(6, 0, [ref('a'), ref('b')])]", ["a", "b"]),
        ("[Command.link(ref('a')), Command.set([ref('b')])]", ["a", "b"]),
        ("[(3, ref('a'))]", []),
        ("[(2, ref('a')), Command.unlink(ref('b')), (5, 0, 0)]", []),
    ],
)
def test_linked_refs(eval_text, linked):
    assert linked_refs(eval_text) == linked


# --- views -------------------------------------------------------------------


def python_view_modes(addon):
    """(where, value) of every constant view_mode in the addon's Python (actions built
    by methods): {"view_mode": "..."}, action["view_mode"] = "...",
    dict(view_mode="...")."""
    for path in python_sources(addon):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            pairs = []
            if isinstance(node, ast.Dict):
                pairs = [
                    (key.value, value)
                    for key, value in zip(node.keys, node.values, strict=True)
                    if isinstance(key, ast.Constant)
                ]
            elif isinstance(node, ast.Assign):
                pairs = [
                    (target.slice.value, node.value)
                    for target in node.targets
                    if isinstance(target, ast.Subscript)
                    and isinstance(target.slice, ast.Constant)
                ]
            elif isinstance(node, ast.Call):
                pairs = [(keyword.arg, keyword.value) for keyword in node.keywords]
            for key, value in pairs:
                if (
                    key == "view_mode"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    yield f"{path.name}:{value.lineno}", value.value


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_views_use_odoo_18_syntax(addon):
    xml_files = [path for path in data_files(addon) if path.suffix == ".xml"]
    assert xml_files
    modes = list(python_view_modes(addon))
    for path in xml_files:
        for element in etree.parse(str(path)).iter():
            assert element.tag != "tree", f"{path.name}: use <list> in Odoo 18"
            assert "attrs" not in element.attrib and "states" not in element.attrib, (
                f"{path.name}: <{element.tag}>: use invisible=/readonly= expressions"
            )
            if element.tag == "field" and element.get("name") == "view_mode":
                modes.append((path.name, element.text or ""))
    assert modes or addon in BRIDGES, f"no action with a view_mode found in {addon}"
    for where, value in modes:
        for mode in value.split(","):
            assert mode.strip() in VIEW_TYPES, (
                f"{where}: view_mode {value!r}: {mode.strip()!r} is not an Odoo 18 type"
            )


# --- the addons' Odoo tests --------------------------------------------------


def imported_modules(init_path):
    """Submodules that a package __init__ imports at its top level (commented-out lines
    and imports under an ``if`` do not count)."""
    names = set()
    for node in ast.parse(init_path.read_text(), str(init_path)).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names |= (
                {alias.name for alias in node.names}
                if node.module is None
                else {node.module.split(".")[0]}
            )
    return names


def odoo_test_classes(tests_dir):
    """{(module, class name): tags Odoo gives it} for every class of the tests package
    with tests.

    Tags follow odoo.tests: a class inherits its first in-package base's tags (or gets
    standard + at_install), then each @tagged(...) adds and removes tags, innermost
    first.
    """
    classes = {}
    for path in sorted(tests_dir.glob("*.py")):
        for node in ast.parse(path.read_text(), str(path)).body:
            if isinstance(node, ast.ClassDef):
                classes[path.stem, node.name] = node

    def bases(key):
        """In-package bases of a class: its own module's first, then one imported by
        name."""
        found = []
        for base in (ast.unparse(b).split(".")[-1] for b in classes[key].bases):
            if (key[0], base) in classes:
                found.append((key[0], base))
            else:
                found += [other for other in classes if other[1] == base][:1]
        return found

    def tags(key):
        node = classes[key]
        inherited = bases(key)
        result = set(tags(inherited[0])) if inherited else {"standard", "at_install"}
        for decorator in reversed(node.decorator_list):
            if (
                isinstance(decorator, ast.Call)
                and ast.unparse(decorator.func).split(".")[-1] == "tagged"
            ):
                names = [
                    arg.value for arg in decorator.args if isinstance(arg, ast.Constant)
                ]
                result = (result | {t for t in names if t[0] != "-"}) - {
                    t[1:] for t in names if t[0] == "-"
                }
        return result

    def has_tests(key):
        return any(
            isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef)
            and stmt.name.startswith("test")
            for stmt in classes[key].body
        ) or any(has_tests(base) for base in bases(key))

    return {key: tags(key) for key in classes if has_tests(key)}


@pytest.mark.parametrize("addon", ADDONS + BRIDGES)
def test_odoo_tests_are_imported_and_tagged_post_install(addon):
    tests_dir = ROOT / addon / "tests"
    test_files = sorted(tests_dir.glob("test_*.py"))
    assert test_files, f"{addon} has no Odoo test module"
    imported = imported_modules(tests_dir / "__init__.py")
    for path in test_files:
        assert path.stem in imported, (
            f"{path.name} is not imported in tests/__init__.py"
        )
    test_classes = odoo_test_classes(tests_dir)
    for path in test_files:
        assert any(module == path.stem for module, _name in test_classes), (
            f"{path.name} has no test class"
        )
    for (module, name), tags in test_classes.items():
        assert "post_install" in tags and "at_install" not in tags, (
            f"{module}.{name} runs with tags {sorted(tags)}: tag it "
            "@tagged('post_install', '-at_install')"
        )


# --- lib/ --------------------------------------------------------------------


def lib_imports(path):
    """(line, absolute top-level module or None, relative level) for every import of a
    lib file, including __import__("x") and importlib.import_module("x")."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0], 0
        elif isinstance(node, ast.ImportFrom):
            yield (
                node.lineno,
                (node.module or "").split(".")[0] if node.level == 0 else None,
                node.level,
            )
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func).split(".")[-1] in ("__import__", "import_module")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            name = node.args[0].value
            level = len(name) - len(name.lstrip("."))
            yield (
                node.lineno,
                name.lstrip(".").split(".")[0] if not level else None,
                level,
            )


@pytest.mark.parametrize("addon", ADDONS)
def test_lib_imports_only_itself_the_standard_library_and_declared_packages(addon):
    """lib/ runs without Odoo: no odoo, no import of the addon's models (absolute or
    relative)."""
    lib_dir = ROOT / addon / "lib"
    allowed = set(sys.stdlib_module_names) | set(
        manifest(addon)["external_dependencies"]["python"]
    )
    paths = sorted(lib_dir.rglob("*.py"))
    assert paths
    for path in paths:
        depth = len(path.relative_to(lib_dir).parts) - 1  # lib/x.py: 0, lib/sub/x.py: 1
        for line, module, level in lib_imports(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            if level:
                assert level <= depth + 1, (
                    f"{where}: a relative import reaches outside lib/"
                )
            else:
                assert module in allowed, (
                    f"{where}: imports {module!r} (not stdlib nor an external "
                    "dependency)"
                )


@pytest.mark.parametrize(
    "source, ok",
    [
        (
            "import numpy as np\nfrom collections import abc\nfrom . import rfm\nfrom "
            ".rfm import x",
            True,
        ),
        ("from ..models import customer_profile", False),
        ("from .. import models", False),
        ("import odoo", False),
        ("from odoo.tools import float_round", False),
        ("from odoo import api", False),
        ("import customer_segmentation.models", False),
        ("x = __import__('odoo')", False),
        ("import importlib\nx = importlib.import_module('odoo.addons.base')", False),
    ],
)
def test_lib_import_check_catches_outside_imports(tmp_path, monkeypatch, source, ok):
    lib_dir = tmp_path / "customer_segmentation" / "lib"
    lib_dir.mkdir(parents=True)
    (lib_dir / "__init__.py").write_text("")
    (lib_dir / "mod.py").write_text(source)
    (tmp_path / "customer_segmentation" / "__manifest__.py").write_text(
        str({"external_dependencies": {"python": ["numpy", "scipy"]}})
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    if ok:
        test_lib_imports_only_itself_the_standard_library_and_declared_packages(
            "customer_segmentation"
        )
    else:
        with pytest.raises(AssertionError):
            test_lib_imports_only_itself_the_standard_library_and_declared_packages(
                "customer_segmentation"
            )
