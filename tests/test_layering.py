"""Architecture rule: the protocol, profile and emulator layers never import Textual."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["cqtui.ci", "cqtui.profiles", "cqtui.emulator", "cqtui.cli", "cqtui.commands"])
def test_layer_imports_without_textual(package):
    probe = f"""
import importlib, pkgutil, sys
root = importlib.import_module({package!r})
for info in pkgutil.walk_packages(getattr(root, '__path__', []), prefix=root.__name__ + '.'):
    importlib.import_module(info.name)
leaked = sorted(name for name in sys.modules if name.split('.')[0] in ('textual', 'rich'))
assert not leaked, leaked
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_tui_never_builds_requests_or_parses_xml():
    from pathlib import Path

    import cqtui.tui

    forbidden = (
        "import httpx",
        "from httpx",
        "xml.etree",
        "defusedxml",
        "from cqtui.ci.parsing",
        "from cqtui.ci.signing",
    )
    for path in Path(cqtui.tui.__file__).parent.rglob("*.py"):
        source = path.read_text()
        for word in forbidden:
            assert word not in source, f"{path} uses {word}"
