"""What an attacker tried against a server on 127.0.0.1: Markdown and HTML in documents, password guessing,
passwords in `ps`, the API taking what the Python API refuses, undocumented endpoints."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import httpx
import pytest
from gradio_client import Client

from qa.errors import InvalidQuestionError, check_k
from tests.conftest import ROOT, free_port


@pytest.fixture(scope="module")
def api_url(assistant):
    from ui.app import CSS, build_app, serve

    port = free_port()
    demo = build_app(assistant)
    serve(demo, "127.0.0.1", port, prevent_thread_lock=True, css=CSS)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.mark.parametrize("k", ["5", 5.7, True, None, 0, 101])
def test_the_api_refuses_a_bad_k_as_python_does_without_a_traceback(api_url, k, capfd):
    with pytest.raises(InvalidQuestionError) as expected:
        check_k(k)
    client = Client(api_url, verbose=False)
    for endpoint in ("/ask", "/retrieve"):
        with pytest.raises(Exception, match=re.escape(str(expected.value))):
            client.predict("Who was arrested in Moscow?", k, api_name=endpoint)
    assert "Traceback" not in capfd.readouterr().err


def test_the_api_refuses_a_question_that_is_no_string(api_url, capfd):
    with pytest.raises(Exception, match="question must be a string, got NoneType"):
        Client(api_url, verbose=False).predict(None, 5, api_name="/ask")
    assert "Traceback" not in capfd.readouterr().err


def test_only_the_documented_endpoints_are_exposed(api_url):
    client = Client(api_url, verbose=False)
    api = client.view_api(return_format="dict", print_info=False)
    assert set(api["named_endpoints"]) == {"/ask", "/retrieve"} and not api["unnamed_endpoints"]
    with pytest.raises(ValueError, match="Cannot find a function"):
        client.predict("Who was arrested in Moscow?", api_name="/chat")
    with pytest.raises(ValueError, match="Invalid function index"):
        client.predict(None, None, None, fn_index=0)  # the chat's own event is not callable either


def test_failed_logins_are_limited_per_client(assistant):
    from ui.app import LoginLimiter, build_app, serve

    now = [1000.0]
    limiter = LoginLimiter(attempts=5, window=60, lockout=300, clock=lambda: now[0])
    port = free_port()
    demo = build_app(assistant)
    serve(demo, "127.0.0.1", port, auth=[("ana", "right horse battery")], limiter=limiter, prevent_thread_lock=True)
    try:
        login = f"http://127.0.0.1:{port}/login"
        for _ in range(5):
            assert httpx.post(login, data={"username": "ana", "password": "wrong"}).status_code == 400
        refused = httpx.post(login, data={"username": "ana", "password": "right horse battery"})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "300"  # even the right one
        assert "Too many failed logins" in refused.json()["detail"]
        assert limiter.retry_after("10.1.2.3") == 0.0  # another client is not locked out
        now[0] += 301
        assert httpx.post(login, data={"username": "ana", "password": "right horse battery"}).status_code == 200
        assert httpx.post(login, data={"username": "ana", "password": "wrong"}).status_code == 400  # counts anew
    finally:
        demo.close()


def test_logins_come_from_the_environment_or_a_file(tmp_path):
    from ui.__main__ import read_auth

    assert read_auth(None, None, "ana:pa:ss") == ([("ana", "pa:ss")], [])
    assert read_auth(None, None, None) == (None, [])
    logins = tmp_path / "logins"
    logins.write_text("ana:first secret\n\nbo:second\n", encoding="utf-8")
    logins.chmod(0o600)
    assert read_auth(None, str(logins), "env:ignored") == ([("ana", "first secret"), ("bo", "second")], [])
    logins.chmod(0o644)
    assert "can be read by other users" in read_auth(None, str(logins), None)[1][0]
    auth, warnings = read_auth("ana:secret", None, None)
    assert auth == [("ana", "secret")] and "shows in the process list" in warnings[0]
    with pytest.raises(ValueError, match="DOCQA_AUTH must be USER:PASSWORD"):
        read_auth(None, None, "no-password")
    with pytest.raises(ValueError, match="No such file"):
        read_auth(None, str(tmp_path / "missing"), None)


def test_a_password_on_the_command_line_is_warned_about(tmp_path):
    (tmp_path / "docs").mkdir()
    env = dict(os.environ, DOCQA_AUTH="", XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = subprocess.run([sys.executable, "-m", "ui", "--docs", str(tmp_path / "docs"), "--auth", "ana:secret"],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2  # the empty folder stops it before it serves anything
    assert "shows in the process list" in result.stderr and "--auth-file" in result.stderr


@pytest.mark.slow
def test_the_server_starts_quietly_and_limits_logins(tmp_path):
    """The real `python -m ui`: no faiss ModuleNotFoundError, no DEBUG line, no "set share=True" hint, no
    progress bar of model loading; a login from DOCQA_AUTH; the sixth wrong password in a row refused."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("The harbour master of Valparaiso is Ignacio Quintana.", encoding="utf-8")
    port = free_port()
    env = dict(os.environ, DOCQA_AUTH="ana:right horse battery")  # the reader's ONNX export is cached as usual
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)
    server = subprocess.Popen([sys.executable, "-m", "ui", "--docs", str(docs), "--index-dir", str(tmp_path / "idx"),
                               "--port", str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []

    def read() -> None:
        for line in server.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        deadline = time.time() + 240
        while not any("open http://" in line for line in lines):
            assert server.poll() is None and time.time() < deadline, "".join(lines)
            time.sleep(0.5)
        login = f"http://127.0.0.1:{port}/login"
        codes = [httpx.post(login, data={"username": "ana", "password": "guess"}).status_code for _ in range(6)]
        assert codes == [400] * 5 + [429]
        time.sleep(2)  # whatever the start prints late (the warm-up thread) is read too
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    output = "".join(lines)
    assert "open http://127.0.0.1" in output and "and log in" in output
    indexed = [line for line in lines if line.startswith("indexed ")]
    assert len(indexed) == 1 and "1 document," in indexed[0] and "1 embedded" in indexed[0], output
    for noise in ("swigfaiss", "ModuleNotFoundError", "DEBUG", "share=True", "Loading weights", "HTTP Request"):
        assert noise not in output, output
    assert "shows in the process list" not in output  # the password came from the environment


@pytest.fixture()
def listener():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    seen: list[str] = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            seen.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()


@pytest.mark.browser
def test_markup_in_documents_is_inert_in_a_browser(tmp_path, embedder, reader, listener):
    """A document's Markdown image, link, bare URL and HTML tag are shown as text in the answer, the closest
    passages and the source viewer: the browser requests nothing from the listener and holds no link to it.
    Its name "R&D plan.md" shows as written, and each message's screen-reader label is its text, not markup."""
    from playwright.sync_api import sync_playwright

    from qa import Assistant
    from ui.app import CSS, build_app, serve

    port, seen = listener
    base = f"http://127.0.0.1:{port}"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "R&D plan.md").write_text(
        f"The harbour master of Valparaiso is Ignacio Quintana, see ![x]({base}/beacon.png) and "
        f"[click here to verify your account]({base}/x) or <img src={base}/raw.png> or {base}/bare for details. "
        "$$\\href{" + base + "/math}{y}$$\n\nThe lighthouse of Valparaiso was built in 1857 and painted red.\n",
        encoding="utf-8")
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, reader=reader)
    app_port = free_port()
    demo = build_app(assistant)
    serve(demo, "127.0.0.1", app_port, prevent_thread_lock=True, css=CSS)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                              "--disable-component-update", "--disable-sync"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{app_port}/")
            box = page.locator("#question textarea")
            box.fill("Who is the harbour master of Valparaiso?")
            box.press("Enter")
            page.wait_for_selector("#chat >> text=Ignacio Quintana", timeout=60000)
            page.wait_for_selector("#viewer mark#cited", timeout=20000)
            box.fill("What is the capital of Australia?")
            box.press("Enter")
            page.wait_for_selector("#chat >> text=Closest passages", timeout=60000)
            page.locator('#chat a[href="#cite-0-1"]').first.click()
            page.wait_for_selector("#viewer .source-name >> text=R&D plan.md", timeout=20000)
            page.wait_for_timeout(1500)  # time for any image to be fetched
            chat = page.locator("#chat").inner_text()
            links = page.locator(f'a[href^="{base}"]').count()
            images = page.locator(f'img[src^="{base}"]').count()
            labels = page.eval_on_selector_all("#chat [aria-label*=\"'s message: \"]",
                                               "els => els.map(e => e.getAttribute('aria-label'))")
            browser.close()
    finally:
        demo.close()
    assert seen == []  # no image, link prefetch or anything else reached the listener
    assert links == 0 and images == 0
    assert f"![x]({base}/beacon.png)" in chat and f"[click here to verify your account]({base}/x)" in chat
    assert f"<img src={base}/raw.png>" in chat  # shown as the document has it
    assert "R&D plan.md" in chat and "R&amp;D" not in chat
    bot = [label for label in labels if "Ignacio Quintana" in label]
    assert bot and all("<a href" not in label and "&lt;" not in label and "\\." not in label for label in labels)
    assert "R&D plan.md" in bot[0]


def test_inert_text_renders_as_itself_in_commonmark():
    """The same check without a browser, by markdown-it (CommonMark): no link, image or tag survives."""
    from markdown_it import MarkdownIt

    from ui.render import inert

    text = "![x](http://a.b/c.png) [click](http://a.b/x) <img src=x onerror=alert(1)> *em* `code` # head\n\n1. item"
    rendered = MarkdownIt("commonmark").render(inert(text))
    assert "<a " not in rendered and "<img" not in rendered and "<em>" not in rendered and "<code>" not in rendered
    assert rendered == f"<p>{' '.join(text.split()).replace('<', '&lt;').replace('>', '&gt;')}</p>\n"


def test_make_run_indexes_the_folder_once():
    """``make run`` leaves the indexing to the server (one pass, one summary line), not ``qa index`` first."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    plan = subprocess.run(["make", "-n", "run", "DOCS=some-folder"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout
    commands = [line for line in plan.splitlines() if "some-folder" in line]
    assert len(commands) == 1 and "-m ui --docs some-folder" in commands[0], plan
