"""COSCLI's at-rest "encryption" of secrets in ~/.cos.yaml.

AES-128-ECB, key `coscli-secret` zero-padded to 16 bytes, plaintext
zero-padded, base64. It hides secrets from a glance, nothing more. Decrypting
needs the optional `cryptography` package (`pip install 'cqtui[coscli]'`).
"""

from __future__ import annotations

import base64
import binascii

from cqtui.ci.errors import ConfigError

KEY = b"coscli-secret".ljust(16, b"\0")
BLOCK = 16
INSTALL_HINT = "pip install 'cqtui[coscli]'"


def looks_encrypted(value: str) -> bool:
    """Base64 of whole AES blocks. COSCLI uses any other value as it is, and so do we."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(raw) and len(raw) % BLOCK == 0


def decrypt(value: str, *, what: str, path: str) -> str:
    if not looks_encrypted(value):
        return value
    try:
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:
        raise ConfigError(
            f"{what} is encrypted; decrypting it needs the optional cryptography package: "
            f"{INSTALL_HINT} (or run `coscli config set --disable_encryption true` and import again)",
            path=path,
        ) from None
    decryptor = Cipher(algorithms.AES(KEY), modes.ECB()).decryptor()  # noqa: S305 - COSCLI's format
    plain = (decryptor.update(base64.b64decode(value)) + decryptor.finalize()).rstrip(b"\0")
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{what} does not decrypt to text; is it really COSCLI-encrypted?", path=path) from None
