"""The open data API in a real browser (headless Chromium): the docs page under the site's CSP,
and a civic web page on another origin reading the API with fetch()."""

import threading
from decimal import Decimal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import CategoryFactory, ProductFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _page(browser):
    page = browser.new_context().new_page()
    page.set_default_timeout(20000)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def test_swagger_ui_renders_the_generated_spec_from_our_static_files_under_the_csp(browser, live_server):
    page, problems = _page(browser)
    outside = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/data/api/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/data/api/products/" in path for path in paths)
    assert any("/data/ocds/records/" in path for path in paths)
    assert outside == []
    assert not [p for p in problems if "Content Security Policy" in p], problems


@pytest.fixture
def civic_site(tmp_path):
    """A static web site on its own port: another origin than the live server."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_page_on_another_origin_reads_the_api_with_fetch(browser, live_server, civic_site):
    ProductFactory(name="Keripik Apel Lokal", category=CategoryFactory(), price=Decimal(25000))
    folder, civic = civic_site
    (folder / "index.html").write_text(
        '<!doctype html><meta charset="utf-8"><title>civic</title>'
        '<ul id="produk"></ul><p id="status"></p><script src="produk.js"></script>'
    )
    (folder / "produk.js").write_text(
        f"""
fetch("{live_server.url}/data/api/products/?q=keripik")
  .then((response) => response.json().then((body) => [response, body]))
  .then(([response, body]) => {{
    for (const product of body.results) {{
      const item = document.createElement("li");
      item.textContent = product.name + " " + product.price;
      document.getElementById("produk").append(item);
    }}
    document.getElementById("status").textContent = "ok " + response.status;
  }})
  .catch((error) => {{ document.getElementById("status").textContent = "gagal " + error; }});
"""
    )
    page, problems = _page(browser)
    page.goto(f"{civic}/index.html")
    page.wait_for_function("document.getElementById('status').textContent !== ''")
    assert page.inner_text("#status") == "ok 200", problems
    assert page.inner_text("#produk") == "Keripik Apel Lokal 25000"
