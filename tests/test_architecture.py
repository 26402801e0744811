"""The dependency rules of the layout (STYLE §1, the pipeline issue): ``portal/`` imports
no app, and no module imports, directly or round about, a module that imports it back,
including imports hidden inside functions."""

import ast
from pathlib import Path

import pytest
from django.apps import apps as django_apps

ROOT = Path(__file__).resolve().parent.parent
APPS = ("disclosure", "interpretation", "mailbox", "plans")
PACKAGES = ("portal", *APPS)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def models_named(call: ast.Call) -> str | None:
    """The models module an ``apps.get_model("label", …)`` or ``get_model("label.Model")``
    call with a literal label reads: an import by another name."""
    name = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
    if name != "get_model" or not call.args or not isinstance(call.args[0], ast.Constant):
        return None
    label = str(call.args[0].value).split(".")[0]
    try:
        return f"{django_apps.get_app_config(label).name}.models"
    except LookupError:
        return None


def imports_of(path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules ``path`` imports anywhere in it (module level or in a function),
    also by looking a model up by its app's label."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and (models := models_named(node)):
            names.add(models)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from package import module`` depends on the module (Python runs the
            # package's __init__ first, which is the package's own business).
            submodules = {f"{node.module}.{a.name}" for a in node.names} & known.keys()
            names.update(submodules or {node.module})
    return {name for name in names if name in known}


def test_portal_imports_no_app():
    known = modules()
    offending = {
        name: sorted(i for i in imports_of(path, known) if i.split(".")[0] in APPS)
        for name, path in known.items()
        if name.split(".")[0] == "portal"
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_no_module_imports_itself_round_about():
    known = modules()
    graph = {name: imports_of(path, known) - {name} for name, path in known.items()}
    cycles = []

    def visit(node, stack, on_stack, done):
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target in on_stack:
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in done:
                visit(target, stack, on_stack, done)
        on_stack.discard(node)
        stack.pop()
        done.add(node)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [], set(), done)
    assert cycles == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_grows_past_600_lines(package):
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def _imports_between(known, importer_prefix, imported_prefixes, exclude=()):
    return {
        name: sorted(
            i
            for i in imports_of(path, known)
            if i.startswith(imported_prefixes) and not i.startswith(exclude)
        )
        for name, path in known.items()
        if name.startswith(importer_prefix)
    }


def test_the_applications_app_depends_on_portal_only():
    """依申请公开 lives in ``disclosure/`` as an app of its own: it touches no other app."""
    known = modules()
    found = _imports_between(
        known, "disclosure.applications", APPS, exclude=("disclosure.applications",)
    )
    assert {name: names for name, names in found.items() if names} == {}


def test_the_catalogue_does_not_reach_into_the_apps_inside_it():
    """Dependencies point one way: the annual reports read the catalogue and the
    applications, never the other way round."""
    known = modules()
    inner = ("disclosure.applications", "disclosure.annual_reports")
    found = {
        name: names
        for name, names in _imports_between(known, "disclosure", inner).items()
        if not name.startswith(inner)
    }
    assert {name: names for name, names in found.items() if names} == {}
    found = _imports_between(known, "disclosure.applications", ("disclosure.annual_reports",))
    assert {name: names for name, names in found.items() if names} == {}


def test_a_model_looked_up_by_its_apps_label_counts_as_an_import():
    def call(source: str) -> ast.Call:
        return ast.parse(source).body[0].value

    assert models_named(call('apps.get_model("mailbox", "Mailbox")')) == "mailbox.models"
    assert models_named(call('get_model("applications.Application")')) == (
        "disclosure.applications.models"
    )
    assert models_named(call('apps.get_model("auth", "Group")')) == "django.contrib.auth.models"
    assert models_named(call("apps.get_model(label, name)")) is None


MIRRORED = ("services", "querysets", "views", "admin")


def test_every_apps_services_querysets_views_and_admin_have_their_mirror_tests():
    """``tests/<app>/test_<module>.py`` for each of these modules of an app (a package
    with an ``apps.py``; a nested app's tests are named after its last part)."""
    missing = []
    for package in PACKAGES:
        for apps_file in (ROOT / package).rglob("apps.py"):
            app_dir = apps_file.parent
            tests_dir = ROOT / "tests" / app_dir.name
            for module in MIRRORED:
                if (app_dir / f"{module}.py").exists():
                    if not (tests_dir / f"test_{module}.py").exists():
                        missing.append(str((tests_dir / f"test_{module}.py").relative_to(ROOT)))
    assert missing == []
