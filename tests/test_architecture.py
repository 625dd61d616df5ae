"""House rules that hold for the whole tree."""
import ast
import functools
import sys
from pathlib import Path

import grimp
from importlinter.application import use_cases
from importlinter.configuration import configure

SHOP = Path(__file__).resolve().parent.parent / "shop"
FRAMEWORKS = {"flask", "flask_sqlalchemy", "flask_babel", "flask_login", "flask_wtf", "sqlalchemy", "stripe",
              "babel", "werkzeug", "wtforms", "jinja2"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_imports_no_framework():
    offenders = {}
    for path in sorted((SHOP / "domain").rglob("*.py")):
        bad = imported_roots(path) & FRAMEWORKS
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_domain_does_not_reach_into_the_rest_of_the_shop():
    for path in sorted((SHOP / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("shop."):
                assert node.module.startswith("shop.domain"), f"{path.name} imports {node.module}"


# Import contracts (pyproject.toml [tool.importlinter]), checked through import-linter's API so a
# broken one fails here with the offending imports named.
ROOT = SHOP.parent


def _contract_report():
    configure()
    use_cases._register_built_in_contract_types()  # what `lint-imports` does first (pinned 2.17)
    options = use_cases.read_user_options(str(ROOT / "pyproject.toml"))
    report = use_cases.create_report(options, cache_dir=None)
    return {contract.contract_options["id"]: check for contract, check in report.get_contracts_and_checks()}


@functools.cache
def _check(contract_id: str):
    return _contract_report()[contract_id]


def _forbidden_imports(check) -> list[str]:
    """Each forbidden import as "importer -> imported (lines)", the first link of every chain."""
    return sorted(
        " -> ".join(link["importer"] for link in chain) + f" -> {chain[-1]['imported']}"
        + f" (l.{', '.join(str(n) for n in chain[0]['line_numbers'])})"
        for dependency in check.metadata.get("invalid_chains", [])
        for chain in dependency["chains"]
    )


def test_domain_imports_only_the_standard_library_and_itself():
    check = _check("domain-is-pure")
    assert _forbidden_imports(check) == []
    assert check.kept


# The one third-party package the domain may use: the Chinese public-holiday calendar that
# departure schedules close on (data only; see [tool.importlinter] in pyproject.toml).
DOMAIN_MAY_IMPORT = {"holidays"}


def test_domain_imports_nothing_outside_the_standard_library_whatever_its_name():
    graph = grimp.build_graph("shop", include_external_packages=True, cache_dir=None)
    offenders = set()
    for module in graph.find_descendants("shop.domain") | {"shop.domain"}:
        for imported in graph.find_modules_directly_imported_by(module):
            root = imported.split(".")[0]
            if imported != "shop.domain" and not imported.startswith("shop.domain.") \
                    and root not in sys.stdlib_module_names and root not in DOMAIN_MAY_IMPORT:
                offenders.add(f"{module} -> {imported}")
    assert sorted(offenders) == []


def test_services_import_no_web_framework():
    check = _check("services-no-web-framework")
    assert _forbidden_imports(check) == []
    assert check.kept


def test_web_does_not_import_models():
    check = _check("web-without-models")
    assert _forbidden_imports(check) == []
    assert check.kept


def test_no_import_cycles():
    check = _check("no-cycles")
    assert check.metadata.get("cycle_breakers_by_package", {}) == {}
    assert check.kept


LOCKED_THROUGH_LOCKING = {"Product", "Order", "Lot", "Departure", "Payment"}


def _selected_models(call: ast.AST) -> set[str]:
    """Names of the models a `select(...)....with_for_update()` chain selects."""
    found = set()
    for node in ast.walk(call):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) == "select":
            found.update(arg.id for arg in node.args if isinstance(arg, ast.Name))
    return found


def test_stock_orders_departures_and_payments_are_locked_only_through_the_locking_module():
    offenders = []
    for path in sorted(SHOP.rglob("*.py")):
        if path == SHOP / "services" / "locking.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "with_for_update":
                models = _selected_models(node.func) & LOCKED_THROUGH_LOCKING
                if models:
                    offenders.append(f"{path.relative_to(SHOP)}:{node.lineno} locks {sorted(models)}")
    assert offenders == []
