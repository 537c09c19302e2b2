"""Property tests: `cqtui profiles import` reads other tools' files; whatever they hold, the
answer is an Imported or a ConfigError (exit 2 with a message), never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cqtui.ci.errors import ConfigError
from cqtui.profiles import imports

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["secretId", "secretKey", "token", "type", "region", "_sys_param", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)
PIECES = st.sampled_from(["[common]\n", "secret_id = a\n", "secret_key = b\n", "cos:\n", "  base:\n", "    secretid: x\n",
                          "buckets:\n", "  - name: b\n", ":\n", "- \n", "\t", "%(x)s", "\ufeff", "\x00", "{", "[", "\"", "'"])  # fmt: skip
TEXTISH = st.lists(PIECES | st.text(max_size=8), max_size=12).map("".join)


def _read(tool: str, source: Path) -> None:
    try:
        found = imports.read(tool, imports.ImportRequest(source=source, home=source.parent, env={}))
    except ConfigError:
        return
    found.values() if found.bucket and found.region else None


@pytest.mark.parametrize(
    "tool, body",
    [
        ("tccli", b"[" * 100_000),
        ("tccli", b'{"a":' * 5000 + b"1" + b"}" * 5000),
        ("coscli", b"".join(b" " * depth + b"k:\n" for depth in range(0, 3000, 2))),
        ("coscmd", b"\xff\xfe[common]\n"),
    ],
    ids=["tccli-deep-list", "tccli-deep-object", "coscli-deep-yaml", "coscmd-not-utf8"],
)
def test_hostile_files_are_a_config_error(tmp_path, tool, body):
    source = tmp_path / ("default.credential" if tool == "tccli" else "conf")
    source.write_bytes(body)
    _read(tool, source)


@SETTINGS
@given(tool=st.sampled_from(["coscmd", "coscli"]), text=TEXTISH)
def test_any_text_file_is_imported_or_a_config_error(tool, text):
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "conf"
        source.write_text(text, encoding="utf-8", errors="surrogatepass")
        _read(tool, source)


@SETTINGS
@given(credential=JSON_LIKE, configure=JSON_LIKE)
def test_any_tccli_json_is_imported_or_a_config_error(credential, configure):
    import json

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "default.credential"
        source.write_text(json.dumps(credential))
        (Path(folder) / "default.configure").write_text(json.dumps(configure))
        _read("tccli", source)
