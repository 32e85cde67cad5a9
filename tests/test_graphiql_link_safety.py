"""A link to GraphiQL that carries a query runs nothing with the token the browser keeps until the user
clicks (issue 17, "Low"): in real Chromium, as tests/test_graphiql_browser.py drives it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.test_graphiql_browser import PURPOSE, _enter_credentials, _open, _status, _wait, browser

pytestmark = pytest.mark.engine_independent("the GraphiQL page in Chromium: what it sends before a click")

__all__ = ["browser"]  # the fixture, used by name


def _authorised_posts(driver: Any) -> list[str]:
    """The bodies of the GraphQL requests the page sent with a bearer token since the log was read."""
    sent = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        headers = {name.lower(): value for name, value in request.get("headers", {}).items()}
        if request["url"].endswith("/graphql") and headers.get("authorization", "").startswith("Bearer "):
            sent.append(request.get("postData", ""))
    return sent


def test_a_link_with_a_query_does_not_use_the_stored_token_without_a_click(
    live_server: Any, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, live_server.url, "{ me { code } }")
    _enter_credentials(browser, live_server.tokens["tq-home-affairs"], PURPOSE)
    _wait(browser, lambda d: "Schema loaded" in _status(d), "the office's schema to load")
    assert _authorised_posts(browser)  # the token is stored and was used after the user's own action

    _open(
        browser, live_server.url, 'mutation { voidRecord(input: {recordId: "x", reason: "y"}) { recordId } }'
    )
    _wait(browser, lambda d: "carries a query" in _status(d), "the page to hold the stored token")
    assert _authorised_posts(browser) == []
    stored = browser.execute_script("return document.getElementById('registry-token').value;")
    assert stored == live_server.tokens["tq-home-affairs"]  # kept, only not used yet

    browser.find_element(By.ID, "registry-apply").click()
    _wait(browser, lambda d: "Schema loaded" in _status(d), "the schema to load after the click")
