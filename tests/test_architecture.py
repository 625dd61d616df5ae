"""House rules that hold for the whole tree."""
import ast
from pathlib import Path

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
