"""`cqtui profiles import`: tccli, coscmd, COSCLI and env, from files in each tool's own format."""

from __future__ import annotations

import base64
import io
import os
import shutil
import stat
import sys
import tomllib
from pathlib import Path

import pytest

from cqtui.ci.errors import ConfigError
from cqtui.cli import main
from cqtui.profiles.imports import ImportRequest, read
from cqtui.profiles.imports.coscli_secret import INSTALL_HINT, looks_encrypted
from cqtui.profiles.imports.regions import normalize_region, region_from_endpoint
from cqtui.profiles.imports.simple_yaml import YamlSubsetError, parse_yaml

DATA = Path(__file__).parent / "data" / "profiles"
try:
    import cryptography  # noqa: F401

    HAVE_CRYPTOGRAPHY = True
except ImportError:
    HAVE_CRYPTOGRAPHY = False


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake $HOME holding the tools' files where they keep them; CQTUI_CONFIG inside it."""
    for name in list(os.environ):
        if name.startswith("TENCENTCLOUD_") or name in ("CQTUI_CONFIG", "TCCLI_PROFILE"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    shutil.copytree(DATA / "tccli", tmp_path / ".tccli")
    shutil.copy(DATA / "cos.conf", tmp_path / ".cos.conf")
    shutil.copy(DATA / "cos.yaml", tmp_path / ".cos.yaml")
    folder = tmp_path / ".config" / "cqtui"
    folder.mkdir(parents=True, mode=0o700)
    os.chmod(folder, 0o700)
    monkeypatch.setenv("CQTUI_CONFIG", str(folder / "config.toml"))
    return tmp_path


def cqtui(capsys, monkeypatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def profiles(home: Path) -> dict:
    path = home / ".config" / "cqtui" / "config.toml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    return tomllib.loads(path.read_text())["profiles"]


def test_tccli_default_profile_from_home(home: Path, capsys, monkeypatch) -> None:
    code, out, err = cqtui(capsys, monkeypatch, "profiles", "import", "tccli", "--bucket", "examplebucket-1250000000")
    assert code == 0, err
    assert profiles(home)["tccli"] == {
        "secret_id": "AKIDTCCLIDEFAULT000000000000000001",
        "secret_key": "TccliDefaultSecretKey000000000001",
        "region": "ap-shanghai",
        "bucket": "examplebucket-1250000000",
    }
    assert "TccliDefaultSecretKey" not in out + err and "AKID…0001" in out


def test_tccli_profile_from_env_and_from_a_credential_file(home: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TCCLI_PROFILE", "work")
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "tccli", "--bucket", "work-1250000000")
    assert code == 0, err
    work = profiles(home)["tccli-work"]
    assert work["token"] == "TccliWorkSessionToken000000000000002"
    assert work["region"] == "ap-chengdu"  # old tccli kept region at the top level
    monkeypatch.delenv("TCCLI_PROFILE")
    code, _, err = cqtui(
        capsys, monkeypatch, "profiles", "import", "tccli", "--from", str(DATA / "tccli" / "work.credential"),
        "--name", "w2", "--bucket", "work-1250000000", "--region", "ap-beijing",
    )  # fmt: skip
    assert code == 0, err
    assert profiles(home)["w2"]["region"] == "ap-beijing"  # --region overrides the source


def test_tccli_missing_bucket_and_cvm_role(home: Path, capsys, monkeypatch) -> None:
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "tccli")
    assert code == 2 and "has no bucket; pass --bucket" in err
    code, _, err = cqtui(
        capsys,
        monkeypatch,
        "profiles",
        "import",
        "tccli",
        "--from",
        str(DATA / "tccli" / "role.credential"),
        "--bucket",
        "b-1",
    )
    assert code == 2 and "CVM role" in err
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "tccli", "--from", str(home / "nowhere"))
    assert code == 2 and "not found" in err


def test_coscmd_with_region_alias(home: Path, capsys, monkeypatch) -> None:
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "coscmd")
    assert code == 0, err
    assert profiles(home)["coscmd"] == {
        "secret_id": "AKIDCOSCMD000000000000000000000003",
        "secret_key": "CoscmdSecretKey%0000000000000003",  # '%' is not interpolated
        "region": "ap-guangzhou",  # `cos.gz`
        "bucket": "examplebucket-1250000000",
    }


def test_coscmd_old_style_appid_and_endpoint(home: Path) -> None:
    found = read("coscmd", ImportRequest(source=DATA / "cos-appid.conf"))
    assert (found.bucket, found.region) == ("oldbucket-1250000000", "ap-chongqing")
    assert found.credentials.secret_id == "AKIDCOSCMDOLD0000000000000000000004"
    assert found.credentials.token == "CoscmdOldSessionToken00000000004"
    assert "CoscmdOldSecretKey" not in repr(found)


def test_coscli_plain_first_bucket_and_by_alias(home: Path, capsys, monkeypatch) -> None:
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "coscli")
    assert code == 0, err
    assert profiles(home)["coscli"] == {
        "secret_id": "AKIDCOSCLIPLAIN00000000000000000005",
        "secret_key": "CosCliPlainSecretKey0000000000005",
        "region": "ap-beijing",  # from the bucket's COS endpoint
        "bucket": "firstbucket-1250000000",
    }
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "coscli", "--bucket", "second", "--name", "sg")
    assert code == 0, err
    assert (profiles(home)["sg"]["bucket"], profiles(home)["sg"]["region"]) == (
        "secondbucket-1250000000",
        "ap-singapore",
    )
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "coscli", "--bucket", "third", "--name", "x")
    assert code == 2 and "first, second" in err


def test_import_never_overwrites_silently(home: Path, capsys, monkeypatch) -> None:
    assert cqtui(capsys, monkeypatch, "profiles", "import", "coscmd")[0] == 0
    before = profiles(home)
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "coscli", "--name", "coscmd")
    assert code == 2 and "'coscmd' already exists" in err and "--force" in err
    assert profiles(home) == before
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "coscli", "--name", "coscmd", "--force")
    assert code == 0, err
    assert profiles(home)["coscmd"]["bucket"] == "firstbucket-1250000000"


def test_env_import(home: Path, capsys, monkeypatch) -> None:
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "env", "--bucket", "b-1250000000")
    assert code == 2 and "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY not set" in err
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "AKIDENVIMPORT0000000000000000000009")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "EnvImportSecretKey0000000000000009")
    monkeypatch.setenv("TENCENTCLOUD_TOKEN", "EnvImportToken0000000000000000009")
    code, _, err = cqtui(capsys, monkeypatch, "profiles", "import", "env", "--bucket", "b-1250000000")
    assert code == 2 and "pass --region" in err
    monkeypatch.setenv("TENCENTCLOUD_REGION", "ap-hongkong")
    code, out, err = cqtui(capsys, monkeypatch, "profiles", "import", "env", "--bucket", "b-1250000000", "--default")
    assert code == 0, err
    assert profiles(home)["env"] == {
        "secret_id": "AKIDENVIMPORT0000000000000000000009",
        "secret_key": "EnvImportSecretKey0000000000000009",
        "token": "EnvImportToken0000000000000000009",
        "region": "ap-hongkong",
        "bucket": "b-1250000000",
    }
    assert "EnvImport" not in out + err


def test_coscli_encrypted_sample_without_cryptography_says_how_to_fix(home: Path) -> None:
    if HAVE_CRYPTOGRAPHY:
        found = read("coscli", ImportRequest(source=DATA / "cos-encrypted.yaml"))
        assert found.credentials.secret_id == "AKIDCOSCLIENCRYPTED0000000000000001"
        assert found.credentials.secret_key == "CosCliEncryptedSecretKey0000000002"
        assert found.credentials.token == ""  # COSCLI encrypts an empty token too
        assert found.region == "ap-guangzhou"
        return
    with pytest.raises(ConfigError) as failure:
        read("coscli", ImportRequest(source=DATA / "cos-encrypted.yaml"))
    assert INSTALL_HINT in str(failure.value) and "disable_encryption" in str(failure.value)


def test_coscli_decrypts_what_it_encrypts(tmp_path: Path) -> None:
    ciphers = pytest.importorskip("cryptography.hazmat.primitives.ciphers")

    def encrypt(plain: str) -> str:  # COSCLI's EncryptSecret: zero padding to whole blocks, always
        data = plain.encode()
        data += b"\0" * (16 - len(data) % 16)
        encryptor = ciphers.Cipher(ciphers.algorithms.AES(b"coscli-secret\0\0\0"), ciphers.modes.ECB()).encryptor()
        return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()

    sample = tmp_path / ".cos.yaml"
    sample.write_text(
        "cos:\n  base:\n"
        f"    secretid: {encrypt('AKIDENCRYPTEDINTEST000000000000000010')}\n"
        f"    secretkey: {encrypt('SixteenByteKey16')}\n"
        f"    sessiontoken: {encrypt('SessionTokenInTest0000000000010')}\n"
        '    disableencryption: ""\n'
        "  buckets:\n  - name: enc-1250000000\n    region: ap-tokyo\n"
    )
    found = read("coscli", ImportRequest(source=sample))
    assert found.credentials.secret_id == "AKIDENCRYPTEDINTEST000000000000000010"
    assert found.credentials.secret_key == "SixteenByteKey16"
    assert found.credentials.token == "SessionTokenInTest0000000000010"


def test_plain_values_are_not_taken_for_encrypted_ones() -> None:
    assert not looks_encrypted("AKIDCOSCLIPLAIN00000000000000000005")  # base64 of 27 bytes
    assert not looks_encrypted("not base64!")
    assert looks_encrypted("3kNZR4wfjUgOqbHffiQSMw==")


def test_region_names() -> None:
    assert [normalize_region(name) for name in ("gz", "cos.sh", "tj", "spg", "sgp", "cq", "ap-tokyo")] == [
        "ap-guangzhou", "ap-shanghai", "ap-beijing-1", "ap-singapore", "ap-singapore", "ap-chongqing", "ap-tokyo"
    ]  # fmt: skip
    assert region_from_endpoint("cos.ap-beijing.myqcloud.com") == "ap-beijing"
    assert region_from_endpoint("https://b-1.cos.ap-nanjing.myqcloud.com/") == "ap-nanjing"
    assert region_from_endpoint("cos.accelerate.myqcloud.com") == ""
    assert region_from_endpoint("example.com") == ""


def test_yaml_subset_reads_both_indent_styles() -> None:
    level = "cos:\n  buckets:\n  - name: a\n    alias: 'it''s'\n  - name: b\n"
    indented = (
        '---\ncos:\n    buckets:\n        -   name: a\n            alias: "it\'s"  # comment\n        - name: b\n'
    )
    expected = {"cos": {"buckets": [{"name": "a", "alias": "it's"}, {"name": "b"}]}}
    assert parse_yaml(level) == expected
    assert parse_yaml(indented) == expected


@pytest.mark.parametrize(
    "text, line",
    [
        ("cos:\n  base: {secretid: x}\n", 2),
        ("cos:\n  base:\n    secretkey: |\n      x\n", 3),
        ("cos:\n\tbase: x\n", 2),
        ("cos:\n  base: &anchor x\n", 2),
        ('cos:\n  base: "unterminated\n', 2),
        ("cos: 1\ncos: 2\n", 2),
    ],
)
def test_yaml_outside_the_subset_is_refused_with_its_line(text: str, line: int) -> None:
    with pytest.raises(YamlSubsetError) as failure:
        parse_yaml(text, "cos.yaml")
    assert failure.value.line == line and "COSCLI" in str(failure.value)
