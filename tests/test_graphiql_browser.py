"""GraphiQL at GET /graphql, driven in a real headless Chromium through selenium + chromedriver.

Why a browser test: the page is plain <script> tags over vendored UMD builds (web/static/graphiql/)
plus our own registry-graphiql.js; only a browser shows that they load from /graphiql-static under the
page's Content-Security-Policy, that the token and purpose typed into the header bar reach the server,
and that the result pane shows the office's answer. It also checks that the page asks no other host.

Needs: apt ``chromium chromium-driver`` (/usr/bin/chromium, /usr/bin/chromedriver) and pip ``selenium``.
Without them the tests skip, except on CI (``CI`` set), where they fail instead.

Uses the ``live_server`` fixture from tests/conftest.py: ``url`` ("http://127.0.0.1:PORT") and
``tokens`` (office code -> bearer token; office "tq-home-affairs" exists).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from policies.check import purpose_descriptions
from tests import plain_http

pytestmark = pytest.mark.engine_independent(
    "the GraphiQL page in Chromium; the answers it shows are the server's, tested on both engines elsewhere"
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
PURPOSE = "placement-verification"
TIMEOUT = 30

# The response editor is a CodeMirror 5 instance; read its full value rather than the rendered lines.
RESULT_JS = """
const cm = document.querySelector('.result-window .CodeMirror');
if (cm && cm.CodeMirror) return cm.CodeMirror.getValue();
const pane = document.querySelector('.result-window');
return pane ? pane.innerText : '';
"""


def _missing_tools() -> list[str]:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt install chromium)")
    if not CHROMEDRIVER.exists():
        missing.append(f"{CHROMEDRIVER} (apt install chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install selenium)")
    return missing


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    missing = _missing_tools()
    if missing:
        message = "browser test needs " + ", ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(message)

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    # Network events, to check that every request stays on the live server's host.
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: Any, condition: Any, what: str) -> Any:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, TIMEOUT).until(condition)
    except TimeoutException:
        status = driver.execute_script(
            "const s = document.getElementById('registry-status'); return s ? s.textContent : null;"
        )
        pytest.fail(
            f"timed out waiting for {what}; status bar: {status!r}; result pane: "
            f"{driver.execute_script(RESULT_JS)!r}"
        )


def _status(driver: Any) -> str:
    return driver.execute_script("return document.getElementById('registry-status').textContent;") or ""


def _status_class(driver: Any) -> str:
    return driver.execute_script("return document.getElementById('registry-status').className;") or ""


def _open(driver: Any, base_url: str, query: str, lang: str | None = None) -> None:
    """The page, showing GraphiQL, or its first screen when the browser keeps no token."""
    driver.get(f"{base_url}/graphql?query={quote(query)}" + (f"&lang={lang}" if lang else ""))
    shown = "return document.querySelector('.graphiql-container, #registry-welcome') !== null;"
    _wait(driver, lambda d: d.execute_script(shown), "GraphiQL or its first screen to render")


def _enter_credentials(driver: Any, token: str, purpose: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    token_input = driver.find_element(By.ID, "registry-token")
    assert token_input.get_attribute("type") == "password"
    token_input.clear()
    token_input.send_keys(token)
    purpose_input = driver.find_element(By.ID, "registry-purpose")
    purpose_input.clear()
    purpose_input.send_keys(purpose)
    purpose_input.send_keys(Keys.ENTER)  # submits the header bar: GraphiQL re-mounts and re-introspects


def _run_query(driver: Any) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()


def _requested_urls(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_graphiql_runs_query_with_office_token(live_server: Any, browser: Any) -> None:
    _open(browser, live_server.url, "{ me { code } }")
    _enter_credentials(browser, live_server.tokens["tq-home-affairs"], PURPOSE)
    _wait(browser, lambda d: "Schema loaded" in _status(d), "the office's schema to load")

    _run_query(browser)
    _wait(
        browser,
        lambda d: "tq-home-affairs" in d.execute_script(RESULT_JS),
        "the result pane to show tq-home-affairs",
    )

    result = json.loads(browser.execute_script(RESULT_JS))
    assert result["data"]["me"]["code"] == "tq-home-affairs"
    assert "errors" not in result
    # Kept for the next visit, as the page promises.
    stored = browser.execute_script("return localStorage.getItem('borderlabour:graphiql:purpose');")
    assert stored == PURPOSE

    # Everything the page loaded (scripts, styles, the GraphQL POSTs) came from the service itself.
    server = urlsplit(live_server.url).netloc
    urls = _requested_urls(browser)
    assert any(u.startswith(f"{live_server.url}/graphiql-static/graphiql.min.js") for u in urls), urls
    foreign = [u for u in urls if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != server]
    assert not foreign, f"the page asked other hosts: {foreign}"
    csp = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not csp, csp


def _graphql_posts(driver: Any) -> list[str]:
    return [u for u in _requested_urls(driver) if urlsplit(u).path == "/graphql" and "?" not in u]


def _welcome(driver: Any) -> str:
    return driver.execute_script(
        "const w = document.getElementById('registry-welcome'); return w ? w.innerText : '';"
    )


def test_the_first_screen_explains_what_to_paste_and_sends_nothing(live_server: Any, browser: Any) -> None:
    _open(browser, live_server.url, "{ me { code } }")
    text = _welcome(browser)
    assert "bearer token" in text and "borderlabour token issue --office CODE" in text
    assert "purpose" in text.lower()
    assert "401" not in _status(browser) and "error" not in _status_class(browser)
    assert _graphql_posts(browser) == []  # nothing asked before a token is typed


def test_a_rejected_token_is_shown_with_the_servers_message(live_server: Any, browser: Any) -> None:
    _open(browser, live_server.url, "{ me { code } }")
    _enter_credentials(browser, "not-a-valid-token", PURPOSE)
    stored = browser.execute_script("return localStorage.getItem('borderlabour:graphiql:token');")
    assert stored == "not-a-valid-token"  # the re-mounted GraphiQL uses it
    _wait(browser, lambda d: "revoked" in _status(d), "the server's refusal in the status bar")
    assert _status(browser) == "the token is unknown, expired or revoked"


@pytest.mark.parametrize(
    ("lang", "load", "forget", "welcome", "refusal"),
    [
        (
            "vi",
            "Tải lược đồ",
            "Xóa mã truy cập",
            "Truy vấn sổ đăng ký với tư cách cơ quan của bạn",
            "mã truy cập không tồn tại, đã hết hạn hoặc đã bị thu hồi",
        ),
        ("zh", "加载架构", "清除令牌", "以本单位身份查询登记系统", "令牌无效、已过期或已被吊销"),
    ],
)
def test_the_bar_and_its_refusals_speak_vietnamese_and_chinese(
    live_server: Any, browser: Any, lang: str, load: str, forget: str, welcome: str, refusal: str
) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, live_server.url, "{ me { code } }", lang=lang)
    assert browser.find_element(By.ID, "registry-apply").text == load
    assert browser.find_element(By.ID, "registry-forget").text == forget
    assert welcome in _welcome(browser)
    assert browser.execute_script("return document.documentElement.lang;") == lang
    _enter_credentials(browser, "not-a-valid-token", PURPOSE)
    _wait(browser, lambda d: _status(d) == refusal, "the refusal in the reader's language")


def test_a_missing_purpose_is_explained_in_the_servers_words(live_server: Any, browser: Any) -> None:

    query = "{ workers(first: 1) { nodes { id } } }"
    token = live_server.tokens["tq-home-affairs"]
    direct = plain_http.post(
        f"{live_server.url}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "vi"},
    )
    assert direct.status_code == 400
    expected = direct.json()["errors"][0]["message"]
    _open(browser, live_server.url, query, lang="vi")
    _enter_credentials(browser, token, "")
    _wait(browser, lambda d: "Đã tải lược đồ" in _status(d), "the schema to load without a purpose")
    _run_query(browser)
    _wait(browser, lambda d: _status(d) == expected, "the server's message about the missing purpose")
    assert "HTTP 400" not in _status(browser)


TAB_SAVE_SECONDS = 0.5  # GraphiQL 3.9 debounces its tab-state save by 500 ms


def test_forget_token_clears_token_purpose_query_and_history(live_server: Any, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    _open(browser, live_server.url, "{ me { code } }")
    _enter_credentials(browser, live_server.tokens["tq-home-affairs"], PURPOSE)
    _wait(browser, lambda d: "Schema loaded" in _status(d), "the office's schema to load")
    _run_query(browser)
    _wait(browser, lambda d: "tq-home-affairs" in d.execute_script(RESULT_JS), "the query to run")
    kept = "return Object.keys(localStorage).filter(k => k.includes('graphiql:'));"
    assert browser.execute_script(kept)  # GraphiQL keeps the query, tabs and history

    browser.find_element(By.ID, "registry-forget").click()
    _wait(browser, lambda d: _welcome(d), "the first screen after forgetting")
    assert browser.execute_script(kept) == []
    # GraphiQL saves its tabs half a second after a change (the query just run): the GraphiQL
    # forgetting replaced must not write them back once that time has passed.
    time.sleep(TAB_SAVE_SECONDS * 2)
    assert browser.execute_script(kept) == []
    assert browser.find_element(By.ID, "registry-token").get_attribute("value") == ""
    assert browser.find_element(By.ID, "registry-purpose").get_attribute("value") == ""
    assert "removed" in _status(browser)


def test_the_purpose_picker_offers_the_purposes_of_the_tokens_office(
    live_server: Any, browser: Any, as_office
) -> None:
    expected = as_office("tq-police", None).data("{ me { purposes } }")["me"]["purposes"]
    _open(browser, live_server.url, "{ me { code } }")
    _enter_credentials(browser, live_server.tokens["tq-police"], "")
    options_js = "return [...document.querySelectorAll('#registry-purposes option')].map(o => o.value);"
    _wait(browser, lambda d: d.execute_script(options_js), "the purpose picker to fill")
    assert browser.execute_script(options_js) == expected
    labels_js = "return [...document.querySelectorAll('#registry-purposes option')].map(o => o.label);"
    # Each purpose with what it covers, as policies/purposes.txt says it (the page is in English here).
    covers = purpose_descriptions(Path(__file__).resolve().parents[1] / "policies")
    assert browser.execute_script(labels_js) == [f"{p}: {covers[p]}" for p in expected]
    assert (
        browser.execute_script("return document.getElementById('registry-purpose').getAttribute('list');")
        == "registry-purposes"
    )


def test_the_case_reference_box_sends_x_case_ref(live_server: Any, browser: Any) -> None:
    """A purpose that needs a case reference (data-subject-request) answers once the bar's box has one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, live_server.url, "{ workers(first: 1) { nodes { id } } }")
    _enter_credentials(browser, live_server.tokens["lc-home-affairs"], "data-subject-request")
    case_ref = browser.find_element(By.ID, "registry-case-ref")
    case_ref.clear()
    case_ref.send_keys("HS-2026/0500")
    case_ref.send_keys(Keys.ENTER)
    _wait(browser, lambda d: "Schema loaded" in _status(d), "the office's schema to load")
    _run_query(browser)
    _wait(browser, lambda d: '"workers"' in (d.execute_script(RESULT_JS) or ""), "the workers to show")
    assert "errors" not in json.loads(browser.execute_script(RESULT_JS))


def test_graphiql_runs_a_subscription_over_the_websocket(
    live_server: Any, browser: Any, as_office: Any
) -> None:
    from tests.procedure_steps import place, ready

    place(as_office, ready(as_office))  # at least one event for the office to replay
    _open(
        browser, live_server.url, "subscription { events(kinds: [PLACEMENT_PLANNED]) { kind record { id } } }"
    )
    _enter_credentials(browser, live_server.tokens["cn-hekou"], "placement-verification")
    _wait(browser, lambda d: "Schema loaded" in _status(d), "the office's schema to load")
    _run_query(browser)
    _wait(
        browser, lambda d: "PLACEMENT_PLANNED" in d.execute_script(RESULT_JS), "an event in the result pane"
    )
    csp = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not csp, csp
