"""The profile form's rules without Textual: what is a problem, and what gets written."""

from __future__ import annotations

from cqtui.tui.profile_fields import FORM_FIELDS, file_changes, form_problems, merged, placeholder

STORED = {
    "secret_id": "AKIDSTORED0000000000",
    "secret_key": "stored-key",
    "token": "stored-token",
    "region": "ap-beijing",
    "bucket": "spare-1250000000",
    "page_size": 20,
    "unknown_key": "kept",
}


def texts(**given: str) -> dict[str, str]:
    """The form's text for an edit of STORED (secrets empty, as the form shows them)."""
    shown = {field.key: str(STORED.get(field.key, "")) for field in FORM_FIELDS}
    shown.update(name="spare", secret_key="", token="")
    return shown | given


def test_an_untouched_edit_changes_nothing():
    changes = file_changes(texts(), stored=STORED)
    assert merged(STORED, changes) == STORED
    assert form_problems(texts(), stored=STORED, taken_names={"spare"}) == {}


def test_cleared_fields_are_removed_and_secrets_kept():
    changes = file_changes(texts(page_size=""), stored=STORED)
    after = merged(STORED, changes)
    assert "page_size" not in after and after["secret_key"] == "stored-key" and after["token"] == "stored-token"


def test_a_token_goes_with_the_key_it_was_issued_for():
    assert "token" not in merged(STORED, file_changes(texts(secret_key="new-key"), stored=STORED))
    assert "token" not in merged(STORED, file_changes(texts(secret_id="AKIDOTHER000000000000"), stored=STORED))
    after = merged(STORED, file_changes(texts(secret_key="new-key", token="new-token"), stored=STORED))
    assert (after["secret_key"], after["token"]) == ("new-key", "new-token")


def test_a_new_command_replaces_the_stored_key_but_not_both_at_once():
    after = merged(STORED, file_changes(texts(secret_key_command="pass show ci"), stored=STORED))
    assert after["secret_key_command"] == "pass show ci" and "secret_key" not in after
    problems = form_problems(texts(secret_key="k", secret_key_command="pass show ci"), stored=STORED, taken_names=())
    assert "not both" in problems["secret_key_command"]


def test_adding_needs_name_region_bucket_id_and_a_key():
    empty = {field.key: "" for field in FORM_FIELDS}
    problems = form_problems(empty, stored=None, taken_names=())
    assert set(problems) == {"name", "region", "bucket", "secret_id", "secret_key"}
    given = empty | {"name": "prod", "region": "ap-guangzhou", "bucket": "b-1250000000", "secret_id": "AKIDX",
                     "secret_key_command": "pass show ci"}  # fmt: skip
    assert form_problems(given, stored=None, taken_names=()) == {}
    assert "already exists" in form_problems(given, stored=None, taken_names={"prod"})["name"]
    assert file_changes(given, stored=None) == {
        "region": "ap-guangzhou", "bucket": "b-1250000000", "secret_id": "AKIDX", "secret_key_command": "pass show ci",
    }  # fmt: skip


def test_numbers_and_endpoints_are_checked_like_the_file_reader():
    problems = form_problems(
        texts(page_size="0", refresh_seconds="-1", endpoint="http://example.com"), stored=STORED, taken_names=()
    )
    assert "between 1 and 100" in problems["page_size"]
    assert "0 (off) or more" in problems["refresh_seconds"]
    assert "loopback" in problems["endpoint"]
    assert "whole number" in form_problems(texts(page_size="ten"), stored=STORED, taken_names=())["page_size"]
    assert form_problems(texts(endpoint="http://127.0.0.1:8765"), stored=STORED, taken_names=()) == {}


def test_placeholders_say_an_empty_secret_keeps_the_stored_one():
    by_key = {field.key: field for field in FORM_FIELDS}
    assert "keeps the current key" in placeholder(by_key["secret_key"], STORED)
    assert "keeps it" in placeholder(by_key["token"], STORED)
    assert placeholder(by_key["token"], {"secret_key": "k"}) == by_key["token"].placeholder
    assert placeholder(by_key["secret_key"], None) == by_key["secret_key"].placeholder
