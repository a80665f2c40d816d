"""The real Gradio app on 127.0.0.1, driven by gradio_client and by a headless Chromium."""

import shutil
import time

import pytest
from gradio_client import Client

from tests.conftest import free_port


@pytest.fixture(scope="module")
def app_url(assistant):
    from ui.app import CSS, build_app

    port = free_port()
    demo = build_app(assistant)
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


def test_api_ask_matches_python(app_url, assistant):
    client = Client(app_url, verbose=False)
    result = client.predict("Who was arrested in Moscow?", 5, api_name="/ask")
    expected = assistant.ask("Who was arrested in Moscow?")
    assert result["answerable"] is True
    assert result["text"] == expected.text
    assert [c["quote"] for c in result["citations"]] == [c.quote for c in expected.citations]


def test_api_retrieve_and_errors(app_url):
    client = Client(app_url, verbose=False)
    hits = client.predict("Who was arrested in Moscow?", 2, api_name="/retrieve")
    assert len(hits) == 2 and {"source", "start", "end", "text", "score", "trace"} <= set(hits[0])
    with pytest.raises(Exception, match="question is empty"):
        client.predict("  ", 5, api_name="/ask")


@pytest.mark.browser
def test_chat_in_a_real_browser(app_url, tmp_path):
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is not installed: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page()
        page.goto(app_url)
        box = page.locator("#question textarea")
        box.fill("Who was arrested in Moscow?")
        box.press("Enter")
        page.wait_for_selector("#chat >> text=arrested two Belarusians in Moscow", timeout=60000)
        page.wait_for_selector("#viewer mark#cited", timeout=20000)
        assert "arrested two Belarusians" in page.locator("#viewer mark#cited").inner_text()
        box.fill("What is the capital of Australia?")
        box.press("Enter")
        page.wait_for_selector("#chat >> text=I could not find this in the documents", timeout=60000)
        page.screenshot(path=str(tmp_path / "chat.png"))
        browser.close()
