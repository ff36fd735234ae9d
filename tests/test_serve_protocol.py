"""The SPARQL 1.1 Protocol's rules as the endpoint applies them (axiskg.server.protocol: pure
functions of what a request carries, so each rule is checked here without a server)."""

from __future__ import annotations

import pytest

from axiskg.server import formats, protocol
from axiskg.server.protocol import HTTPProblem
from axiskg.sparql.safety import Refused


def test_parameters_from_url_form_and_query_body():
    assert protocol.parameters("query=ASK%7B%7D&format=json") == {"query": ["ASK{}"], "format": ["json"]}
    form = protocol.parameters("format=csv", protocol.FORM_TYPE, b"query=ASK%7B%7D")
    assert form == {"format": ["csv"], "query": ["ASK{}"]}
    assert protocol.parameters("", protocol.QUERY_TYPE, b"ASK { }") == {"query": ["ASK { }"]}


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (lambda: protocol.parameters("query=a&query=b"), 400),
        (lambda: protocol.parameters("query=a", protocol.QUERY_TYPE, b"ASK {}"), 400),
        (lambda: protocol.parameters("", protocol.QUERY_TYPE, b"\xff"), 400),
        (lambda: protocol.parameters("update=DROP%20ALL"), 403),
        (lambda: protocol.check_body_type("POST", protocol.UPDATE_TYPE), 403),
        (lambda: protocol.check_body_type("POST", "text/plain"), 415),
        (lambda: protocol.check_query_string("q" * 11, 10), 414),
        (lambda: protocol.dataset({"default-graph-uri": ["relative"]}, 64), 400),
        (lambda: protocol.dataset({"named-graph-uri": ["http://e/"] * 65}, 64), 400),
        (lambda: protocol.answer_formats(None, {"format": ["bogus"]}), 400),
    ],
)
def test_bad_requests_get_their_status(call, status):
    with pytest.raises((HTTPProblem, Refused)) as caught:
        call()
    assert caught.value.status == status


@pytest.mark.parametrize(
    ("accept", "params", "expected"),
    [
        (None, {}, ("json", "turtle")),
        ("application/sparql-results+xml", {}, ("xml", None)),  # a CONSTRUCT would get 406
        ("*/*", {"format": ["rdf+xml"], "output": ["rdf+xml"]}, ("json", "rdfxml")),
        ("*/*", {"format": ["json-ld", "application/ld+json,application/x-json+ld"]}, ("json", "jsonld")),
        ("*/*", {"format": ["csv"]}, ("csv", "turtle")),  # csv names no graph format: Accept decides
        ("text/turtle", {"results": ["n3"]}, (None, "turtle")),
        ("application/rdf+xml", {"output": ["xml"]}, ("xml", "rdfxml")),
    ],
)
def test_answer_formats_from_parameters_then_accept(accept, params, expected):
    assert protocol.answer_formats(accept, params) == expected


def test_the_choice_for_an_accept_header_is_remembered_but_not_for_a_huge_one():
    formats._by_accept.cache_clear()
    first = protocol.answer_formats("text/csv;q=0.9, application/n-triples", {})
    assert protocol.answer_formats("text/csv;q=0.9, application/n-triples", {}) == first == ("csv", "ntriples")
    assert formats._by_accept.cache_info().hits == 1
    huge = "text/tab-separated-values;q=0.5, " + "x/y;q=0.1, " * 200  # 2 KB, as no client sends
    assert protocol.answer_formats(huge, {}) == ("tsv", None)
    assert formats._by_accept.cache_info().currsize == 1


def test_truncation_says_why_in_words_and_headers():
    assert protocol.truncation({"truncated": None, "count": 3}, 10, 100) == (None, {})
    note, headers = protocol.truncation({"truncated": "rows", "count": 10}, 10, 100)
    assert note == "result truncated to the first 10 rows (--limit)"
    assert headers["X-Result-Truncated"] == "true" and headers["X-Result-Limit"] == "10"
