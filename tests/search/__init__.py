"""Search tests: the query parser, the search page, similar questions, index sync through real paths, the schema.

Helpers shared by these modules live here (plain functions; the fixtures are in tests/conftest.py).
"""

import re

RESULT_LINK = re.compile(r'<h3 class="question-title"><a href="/questions/(\d+)/')


def found(client, q: str, **params) -> list[int]:
    """The question ids the search page lists for `q`, in order (as a guest or whoever `client` is)."""
    response = client.get("/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [int(n) for n in RESULT_LINK.findall(response.get_data(as_text=True))]


def page_html(client, q: str, **params) -> str:
    response = client.get("/search", query_string={"q": q, **params})
    assert response.status_code == 200
    return response.get_data(as_text=True)
