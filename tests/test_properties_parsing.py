"""Property tests: whatever bytes or XML arrive, the parser answers with a page or a CqtuiError.

`parse_queue_page` returns a QueuePage or raises a ServiceError; `parse_error`
always returns a ServiceError. Nothing else may escape: not RecursionError,
LookupError, UnicodeError or an ExpatError, which would surface as a
traceback in the CLI and as an "unexpected error" in the TUI.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cqtui.ci.errors import CqtuiError, ResponseFormatError, ServiceError
from cqtui.ci.parsing import parse_error, parse_queue_page

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- arbitrary bytes ------------------------------------------------------------

PREFIXES = [
    b"",
    b"<",
    b"<?xml version='1.0'?>",
    b"<?xml version='1.0' encoding='utf-16'?>",
    b"<Response>",
    b"<Error>",
    b"<!DOCTYPE html>",
    b"{",
    b"[",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
]


def bodies() -> st.SearchStrategy[bytes]:
    return st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(PREFIXES), st.binary(max_size=400))


def _page_or_service_error(body: bytes, status: int = 200) -> None:
    try:
        page = parse_queue_page(body, http_status=status, request_id="rid")
    except CqtuiError as error:
        assert isinstance(error, ServiceError)
        assert error.code and str(error)
    else:
        assert isinstance(page.queues, tuple)


HOSTILE_BODIES = [
    b"[" * 100_000,  # JSON nested past the recursion limit
    b'{"a":' * 990 + b"1" + b"}" * 990,  # just under json's own limit: the key search must not recurse
    b'<?xml version="1.0" encoding="bogus"?><Response/>',  # an encoding Python does not know
    b'<?xml version="1.0" encoding="utf-32"?><Response/>',
    b"<Response><QueueList>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</QueueList></Response>",
    b"<Error>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</Error>",
]


@pytest.mark.parametrize(
    "body",
    HOSTILE_BODIES,
    ids=["deep-json", "deep-json-dict", "bogus-encoding", "utf32-lie", "deep-queue", "deep-error"],
)
@pytest.mark.parametrize("status", [200, 502])
def test_hostile_bodies_give_a_cqtui_error(body, status):
    _page_or_service_error(body, status)
    error = parse_error(body, http_status=status, headers={})
    assert isinstance(error, ServiceError) and error.http_status == status


@FAST
@given(bodies(), st.sampled_from([200, 400, 403, 404, 500, 502, 503]))
@example(b'<?xml version="1.0" encoding="bogus"?><Response/>', 200)
@example(b"[" * 50_000, 502)
def test_any_bytes_give_a_page_or_a_service_error(body, status):
    _page_or_service_error(body, status)
    error = parse_error(body, http_status=status, headers={"x-ci-request-id": "rid"})
    assert isinstance(error, ServiceError) and error.http_status == status and error.request_id


# ---- well-formed XML with arbitrary content ---------------------------------------------

# Characters XML 1.0 can carry, leaning on the ones that break terminals and markup.
XML_CHARS = st.one_of(
    st.characters(codec="utf-8", exclude_categories=["Cs"]).filter(
        lambda c: c in "\t\n" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c >= "\U00010000"
    ),
    st.sampled_from(list("[]/@=<>&\"'\\\u0085\u009b\u202e\u2066\u200f\u0301\u3000超🚀")),
)
XML_TEXT = st.text(XML_CHARS, max_size=40)
FIELDS = ["QueueId", "Name", "State", "MaxSize", "MaxConcurrent", "UpdateTime", "CreateTime", "Category", "BucketId"]
NOTIFY_FIELDS = ["Url", "Event", "Type", "State", "ResultFormat", "MqMode", "MqRegion", "MqName"]
TAGS = st.sampled_from(FIELDS + NOTIFY_FIELDS + ["NotifyConfig", "QueueList", "Unknown", "x"])


@st.composite
def elements(draw, tag: str, children: list[str], depth: int = 0) -> ET.Element:
    element = ET.Element(
        tag,
        {
            name: value
            for name, value in draw(st.dictionaries(st.sampled_from(["a", "b"]), XML_TEXT, max_size=2)).items()
        },
    )
    element.text = draw(st.none() | XML_TEXT)
    for child in draw(st.lists(st.sampled_from(children), max_size=6)):
        if child == "NotifyConfig" and depth < 2:
            sub = draw(elements("NotifyConfig", NOTIFY_FIELDS, depth + 1))
        else:
            sub = ET.Element(child)
            sub.text = draw(st.none() | XML_TEXT | st.integers(-(10**20), 10**20).map(str))
            if depth < 2 and draw(st.booleans()):
                sub.append(draw(elements(draw(TAGS), FIELDS, depth + 1)))
        element.append(sub)
    element.tail = draw(st.none() | XML_TEXT)
    return element


@st.composite
def responses(draw) -> ET.Element:
    root = ET.Element(draw(st.sampled_from(["Response", "Response", "Response", "Error", "Other"])))
    for tag in draw(
        st.lists(
            st.sampled_from(
                ["RequestId", "TotalCount", "PageNumber", "PageSize", "NonExistPIDs", "Code", "Message", "QueueList"]
            ),
            max_size=8,
        )
    ):
        if tag == "QueueList":
            root.append(draw(elements("QueueList", FIELDS + ["NotifyConfig", "Unknown"])))
        else:
            child = ET.SubElement(root, tag)
            child.text = draw(XML_TEXT | st.integers(-5, 10**12).map(str))
    return root


@FAST
@given(responses())
def test_well_formed_xml_of_any_shape_gives_a_page_or_a_service_error(root):
    body = ET.tostring(root, encoding="utf-8")
    _page_or_service_error(body)
    assert isinstance(parse_error(body, http_status=500, headers={}), ServiceError)


@FAST
@given(
    st.lists(
        st.fixed_dictionaries(
            {field: XML_TEXT for field in ("QueueId", "Name", "State", "Category", "BucketId", "UpdateTime")}
        ),
        max_size=5,
    )
)
def test_queue_text_comes_back_exactly_as_sent(queues):
    root = ET.Element("Response")
    ET.SubElement(root, "TotalCount").text = str(len(queues))
    for fields in queues:
        element = ET.SubElement(root, "QueueList")
        for tag, text in fields.items():
            ET.SubElement(element, tag).text = text
    page = parse_queue_page(ET.tostring(root, encoding="utf-8"))
    assert page.total_count == len(queues) and page.problems == ()
    for queue, fields in zip(page.queues, queues, strict=True):
        got = (queue.queue_id, queue.name, queue.state, queue.category, queue.bucket_id, queue.update_time)
        sent = tuple(fields[tag] for tag in ("QueueId", "Name", "State", "Category", "BucketId", "UpdateTime"))
        assert got == sent


@pytest.mark.parametrize("text", ["١٢", "1_000", "１２", " 12\u00a0", "+-1", "0x10", "1e3", "²"])
def test_integers_are_ascii_digits_only_else_a_problem(text):
    """`int()` accepts Arabic-Indic and full-width digits and underscores: the screen would show a number the server never sent."""
    body = f"<Response><TotalCount>{text}</TotalCount><QueueList><QueueId>q</QueueId><MaxSize>{text}</MaxSize></QueueList></Response>"
    page = parse_queue_page(body.encode("utf-8"))
    assert page.total_count is None and page.queues[0].max_size is None
    assert len(page.problems) == 2


@pytest.mark.parametrize("text, value", [("12", 12), (" 7 ", 7), ("-1", -1), ("+3", 3), ("0", 0), ("0" * 30 + "5", 5)])
def test_plain_integers_still_parse(text, value):
    page = parse_queue_page(f"<Response><TotalCount>{text}</TotalCount></Response>".encode())
    assert page.total_count == value and page.problems == ()


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>portal</body></html>",
        b"<!doctype HTML>\n<html lang=en><title>Wi-Fi login</title></html>",
        b"<html><head><title>Sign in</title></head></html>",
    ],
)
def test_an_html_page_on_200_is_named_as_html_not_as_unsafe_xml(body):
    """A captive portal's `<!DOCTYPE html>` is not an attack: say it is an HTML page and quote its title."""
    with pytest.raises(ResponseFormatError) as raised:
        parse_queue_page(body, request_id="rid")
    assert raised.value.code == "UnexpectedXML"
    assert "HTML page" in raised.value.message and raised.value.excerpt
    if b"<title>" in body:
        assert ("Sign in" in raised.value.message) or ("Wi-Fi login" in raised.value.message)


def test_a_real_dtd_is_still_refused():
    body = b'<!DOCTYPE Response [<!ENTITY a "b">]><Response>&a;</Response>'
    with pytest.raises(ResponseFormatError) as raised:
        parse_queue_page(body)
    assert raised.value.code == "UnsafeXML"


@pytest.mark.parametrize("text", [str(2**63), str(-(2**63) - 1), "1" + "0" * 400, "9" * 5000])
def test_integers_beyond_64_bits_are_a_problem_not_a_number(text):
    """The API's integers are 64-bit; a 400-digit TotalCount once crashed the TUI's page arithmetic."""
    body = f"<Response><TotalCount>{text}</TotalCount><QueueList><QueueId>q</QueueId><MaxSize>{text}</MaxSize></QueueList></Response>"
    page = parse_queue_page(body.encode())
    assert page.total_count is None and page.queues[0].max_size is None
    assert len(page.problems) == 2 and all(
        "out of range" in problem or "not an integer" in problem for problem in page.problems
    )


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 0])
def test_64_bit_integers_parse(value):
    assert parse_queue_page(f"<Response><TotalCount>{value}</TotalCount></Response>".encode()).total_count == value
