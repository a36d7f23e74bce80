"""Each package's front door names what it exports, and names nothing it does not have (as httpx tests its own)."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

PACKAGES = ("core", "crawler", "extractors", "extractors.claims", "extractors.linking", "warehouse", "positions")


def public_names(package: ModuleType) -> set[str]:
    """What ``from package import *`` would find beside the submodules: the names the package itself binds."""
    submodules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    return {
        name
        for name, value in vars(package).items()
        if not name.startswith("_") and name not in submodules and not isinstance(value, ModuleType)
    } | ({"__version__"} & set(vars(package)))


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    package = importlib.import_module(name)
    assert sorted(package.__all__) == sorted(public_names(package))


@pytest.mark.parametrize("name", [*PACKAGES, "flows", "evals", "claimtrack"])
def test_every_export_resolves(name: str) -> None:
    package = importlib.import_module(name)
    for export in package.__all__:
        value = getattr(package, export, None)
        if value is None:  # evals names its modules
            value = importlib.import_module(f"{name}.{export}")
        assert value is not None, f"{name}.{export}"


def test_flows_load_prefect_only_when_a_flow_is_asked_for() -> None:
    import subprocess
    import sys

    code = "import sys, flows, flows.files; print('prefect' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"
