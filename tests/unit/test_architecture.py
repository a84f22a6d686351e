"""Which app may import which (README "Layout"): read from the source, every import statement,
including those inside functions.

- booking and assessments (the domain) never import the staff workspaces, desk or clinician;
- assessments never imports booking: booking reads intakes, and the result page gets its
  booking times through booking's template tag (booking/templatetags/openings.py);
- itband (the project: settings, accounts, outbox) imports no app, except in its root URLconf,
  which wires them in;
- outcomes (check-ins) may import booking and assessments, never the staff workspaces; booking
  and assessments never import outcomes (booking announces a booking on booking.signals);
- clinic (the clinic page) reads booking, assessments and outcomes; none of them imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
APPS = ("assessments", "booking", "desk", "clinician", "outcomes", "clinic")
WORKSPACES = ("desk", "clinician")


def imported_top_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(package: str):
    return sorted((REPO_ROOT / package).rglob("*.py"))


def test_the_rule_reads_imports_inside_functions_too(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from desk.selectors import day_book\n    import clinician\n")
    assert imported_top_names(module) == {"desk", "clinician"}


@pytest.mark.parametrize("package", ["booking", "assessments", "outcomes"])
def test_the_domain_never_imports_a_staff_workspace(package):
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(imported_top_names(path) & set(WORKSPACES))
        for path in sources(package)
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_assessments_never_imports_booking():
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in sources("assessments")
        if "booking" in imported_top_names(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("package", ["booking", "assessments"])
def test_the_domain_never_imports_outcomes(package):
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in sources(package)
        if "outcomes" in imported_top_names(path)
    ]
    assert offenders == []


@pytest.mark.parametrize("package", ["booking", "assessments", "outcomes", "desk", "clinician"])
def test_nothing_imports_the_clinic_page(package):
    offenders = [
        str(path.relative_to(REPO_ROOT))
        for path in sources(package)
        if "clinic" in imported_top_names(path)
    ]
    assert offenders == []


def test_the_clinic_app_has_no_models():
    from django.apps import apps

    assert list(apps.get_app_config("clinic").get_models()) == []


def test_the_outcome_instruments_and_chart_import_no_django():
    for name in ("instruments.py", "chart.py"):
        path = REPO_ROOT / "outcomes" / name
        assert imported_top_names(path) <= {
            "__future__",
            "collections",
            "dataclasses",
            "decimal",
            "fractions",
        }


def test_itband_imports_no_app_outside_its_root_urlconf():
    root_urlconf = REPO_ROOT / "itband" / "urls.py"
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(imported_top_names(path) & set(APPS))
        for path in sources("itband")
        if path != root_urlconf
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_each_staff_workspace_is_an_installed_app_without_models():
    from django.apps import apps

    for label in WORKSPACES:
        config = apps.get_app_config(label)
        assert list(config.get_models()) == [], f"{label} owns no models (booking does)"


def test_the_readme_layout_names_every_tracked_folder_and_only_those():
    import re
    import subprocess

    readme = (REPO_ROOT / "README.md").read_text()
    block = readme.split("## Layout", 1)[1].split("```", 2)[1]
    listed = set(re.findall(r"^([a-z0-9_]+)/ ", block, flags=re.MULTILINE))
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    folders = {name.split("/")[0] for name in tracked if "/" in name and not name.startswith(".")}
    assert listed == folders
