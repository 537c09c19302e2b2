"""Credentials for signing, with a repr that never shows a secret."""

from __future__ import annotations

from dataclasses import dataclass


def mask(secret: str | None) -> str:
    """`AKID…7890`-style mask: enough to recognise, never enough to use."""
    if not secret:
        return "-"
    if len(secret) <= 8:
        return "…" * min(len(secret), 3)
    return f"{secret[:4]}…{secret[-4:]}"


@dataclass(frozen=True, slots=True)
class Credentials:
    secret_id: str
    secret_key: str
    token: str = ""

    def __repr__(self) -> str:
        token = ", token=…" if self.token else ""
        return f"Credentials(secret_id={mask(self.secret_id)!r}, secret_key=…{token})"

    __str__ = __repr__
