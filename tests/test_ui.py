"""The real Gradio app on 127.0.0.1, driven by gradio_client and by a headless Chromium."""

import os
import shutil
import time

import pytest
from gradio_client import Client

from tests.conftest import free_port


@pytest.fixture(scope="module")
def app_url(assistant):
    from ui.app import CSS, SEED_EXAMPLES, build_app

    port = free_port()
    demo = build_app(assistant, examples=SEED_EXAMPLES)  # the assistant reads a copy of seeds/
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


def test_api_answer_read_from_a_byline(app_url):
    result = Client(app_url, verbose=False).predict(
        "Who wrote the article about the thwarted coup attempt against Lukashenko?", 5, api_name="/ask")
    assert result["short_answer"] == "Tyler Durden" and result["score"] is None and result["confidence"] == 1.0


def test_a_yes_or_no_answer_shows_what_its_quotes_are(app_url, assistant):
    from qa.answer import YES_NO_LEAD
    from ui.render import answer_markdown, inert

    question = "Did Putin tell Biden about the assassination attempt?"
    result = Client(app_url, verbose=False).predict(question, 5, api_name="/ask")
    assert result["note"] == YES_NO_LEAD and result["short_answer"] == "" and result["citations"]
    shown = answer_markdown(assistant.ask(question))
    assert shown.startswith(f"*{inert(YES_NO_LEAD)}*\n\n> ") and "Biden" in shown


def test_seed_examples_only_over_the_seeds_folder(tmp_path):
    from ui.app import SEED_EXAMPLES, SEEDS, examples_for

    assert examples_for(SEEDS) == SEED_EXAMPLES and examples_for(SEEDS / ".." / "seeds") == SEED_EXAMPLES
    shutil.copytree(SEEDS, tmp_path / "seeds")
    assert examples_for(tmp_path / "seeds") == []  # the same files elsewhere are someone else's folder


def test_api_retrieve_and_errors(app_url):
    client = Client(app_url, verbose=False)
    hits = client.predict("Who was arrested in Moscow?", 2, api_name="/retrieve")
    assert len(hits) == 2 and {"source", "start", "end", "text", "score", "trace"} <= set(hits[0])
    with pytest.raises(Exception, match="question is empty"):
        client.predict("  ", 5, api_name="/ask")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    yield folder
    print(f"\nscreenshots of the chat: {folder}")


@pytest.mark.browser
def test_chat_in_a_real_browser(app_url, assistant, tmp_path, screenshots):
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
        assert "Also spelled:" in page.locator("#chat").inner_text()  # the other article's spelling of the names
        page.screenshot(path=str(screenshots / "answer_with_citation.png"), full_page=True)
        box.fill("What is the capital of Australia?")
        box.press("Enter")
        page.wait_for_selector("#chat >> text=I could not find this in the documents", timeout=60000)
        page.screenshot(path=str(screenshots / "not_found.png"), full_page=True)
        box.fill("Did Putin tell Biden about the assassination attempt?")
        box.press("Enter")
        page.wait_for_selector("#chat >> text=judge the yes or no from the sources", timeout=60000)
        page.screenshot(path=str(screenshots / "yes_or_no.png"), full_page=True)
        page.get_by_text("Tell me about Serhienka", exact=True).click()  # an example fills the box
        page.wait_for_function("document.querySelector('#question textarea').value === 'Tell me about Serhienka'",
                               timeout=20000)
        box.press("Enter")
        page.wait_for_selector("#chat >> text=What the documents say about Serhienka", timeout=60000)
        # nothing in the conversation scrolls under its label and toolbar (they covered the latest question)
        covered = page.evaluate("""() => { const chat = document.querySelector('#chat');
            const top = chat.querySelector('.bubble-wrap').getBoundingClientRect().top;
            return Math.max(...[...chat.querySelectorAll('label.float, .top-panel')]
                                  .map(e => e.getBoundingClientRect().bottom)) - top; }""")
        assert covered <= 0, f"the chat's toolbar covers the top {covered:.0f} px of the conversation"
        # A bad question gets its reason in the chat, and the chat goes on.
        box.fill("x" * 1001)
        box.press("Enter")
        page.wait_for_selector("#chat >> text=the limit is 1000", timeout=20000)
        # The [n] markers of an earlier answer still open its citations in the source viewer.
        expected = assistant.ask("Who was arrested in Moscow?").citations
        assert page.locator("#chat a.cite").count() >= 2 * len(expected)
        for n in (len(expected), 1):
            page.locator(f'#chat a[href="#cite-0-{n}"]').first.click()
            page.wait_for_selector(f"#viewer .source-name >> text={expected[n - 1].source}, characters "
                                   f"{expected[n - 1].start}-{expected[n - 1].end}", timeout=20000)
            assert page.locator("#viewer mark#cited").inner_text() == expected[n - 1].quote
        browser.close()


@pytest.fixture()
def private_app(tmp_path, embedder, reader):
    """An app over its own copy of the seeds, for tests that upload and remove documents."""
    from qa import Assistant
    from tests.conftest import SEEDS
    from ui.app import CSS, build_app

    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, reader=reader)
    port = free_port()
    demo = build_app(assistant)
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, quiet=True)
    yield f"http://127.0.0.1:{port}/", assistant
    demo.close()


def _browser(p):
    return p.chromium.launch(
        executable_path=shutil.which("chromium"),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync"],
    )


@pytest.mark.browser
def test_follow_up_upload_escaping_and_remove_in_a_browser(private_app, tmp_path, screenshots):
    from playwright.sync_api import sync_playwright

    url, assistant = private_app
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "The harbour master of Valparaiso is Ignacio Quintana. "
        '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> He keeps the keys.',
        encoding="utf-8",
    )
    unicode_name = tmp_path / "ünïcödé name 日本.md"
    unicode_name.write_text("The ferry to Chiloé leaves Puerto Montt at dawn.", encoding="utf-8")
    long_file = tmp_path / "rainfall.txt"
    long_file.write_text("\n\n".join(
        f"Gauge {n} on the river Aberlune recorded {n * 7 % 90} millimetres of rain on day {n}. "
        f"The keeper of gauge {n} sent the reading by radio at {n % 12 + 1} o'clock." for n in range(400)),
        encoding="utf-8")
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # phone-width screen
        page.goto(url)
        page.wait_for_selector("#question textarea", timeout=20000)
        assert page.get_by_text("Tell me about Serhienka", exact=True).count() == 0  # no seed examples here
        box = page.locator("#question textarea")
        box.fill("Who was arrested in Moscow?")
        box.press("Enter")
        page.wait_for_selector("#chat >> text=arrested two Belarusians in Moscow", timeout=60000)
        box.fill("Which of them is a US citizen?")
        box.press("Enter")
        page.wait_for_selector("#chat >> text=Follow-up to the previous answer", timeout=60000)  # shown as one
        assert "US citizen" in page.locator("#chat").inner_text()
        page.screenshot(path=str(screenshots / "phone_follow_up.png"), full_page=True)
        # A cleared chat has nothing to follow up: the same question is now a question of its own.
        page.locator("#chat").get_by_role("button", name="Clear").click()
        page.wait_for_function("!document.querySelector('#chat').innerText.includes('US citizen')", timeout=20000)
        box.fill("Which of them is a US citizen?")
        box.press("Enter")
        page.wait_for_selector("#chat >> text=/Sources:|I could not find this/", timeout=60000)
        assert "Follow-up to the previous answer" not in page.locator("#chat").inner_text()

        page.get_by_role("tab", name="Documents").click()
        # A long second file makes indexing take long enough for its progress to be seen.
        page.locator("#upload input[type=file]").set_input_files([str(hostile), str(unicode_name), str(long_file)])
        page.wait_for_function("/Indexing: [0-9]+\\/[0-9]+ passages/.test(document.body.innerText)", timeout=60000)
        page.screenshot(path=str(screenshots / "phone_upload_progress.png"), full_page=True)
        page.wait_for_selector("#status textarea", timeout=20000)
        page.wait_for_function("document.querySelector('#status textarea').value.includes('added hostile.txt')",
                               timeout=60000)
        assert "hostile.txt" in assistant.index.documents and "rainfall.txt" in assistant.index.documents
        assert "added ünïcödé name 日本.md" in page.locator("#status textarea").input_value()  # the name as it was
        assert "ünïcödé name 日本.md" in assistant.index.documents
        page.get_by_role("tab", name="Chat").click()
        box.fill("Who is the harbour master of Valparaiso?")
        box.press("Enter")
        page.wait_for_selector("#viewer >> text=hostile.txt", timeout=60000)
        viewer = page.locator("#viewer").inner_text()
        assert "<script>window.__xss = 1</script>" in viewer  # shown as text, not run
        assert page.evaluate("window.__xss") is None
        page.screenshot(path=str(screenshots / "phone_upload_escaped.png"), full_page=True)

        page.get_by_role("tab", name="Documents").click()
        page.get_by_label("Document to remove").click()
        page.get_by_role("option", name="hostile.txt").click()
        page.get_by_role("button", name="Remove from index").click()
        page.get_by_role("button", name="Yes, remove it").click()
        page.wait_for_function("document.querySelector('#status textarea').value.includes('removed hostile.txt')",
                               timeout=60000)
        browser.close()
    assert "hostile.txt" not in assistant.index.documents
    assert (assistant.docs_dir / ".removed" / "hostile.txt").exists()  # moved aside, never deleted


@pytest.mark.browser
def test_the_documents_tab_shows_the_index_as_it_is_and_removal_asks_first(private_app, screenshots, capfd):
    """Files added elsewhere (another tab, another process) appear on reload and when the tab is opened; no
    document is preselected for removal, which asks for confirmation; a [n] marker of a document removed since
    says so, with no traceback."""
    from playwright.sync_api import sync_playwright

    url, assistant = private_app
    docs = assistant.docs_dir
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page()
        page.goto(url)
        (docs / "late.txt").write_text("The harbour master of Valparaiso is Ignacio Quintana.", encoding="utf-8")
        assistant.refresh()  # as another tab's upload would
        page.reload()
        page.get_by_role("tab", name="Documents").click()
        page.wait_for_selector("#documents >> text=late.txt", timeout=20000)
        assert page.locator("#remove-choice input").input_value() == ""  # nothing preselected
        (docs / "later.txt").write_text("The lighthouse keeper of Valparaiso is Rosa Medina.", encoding="utf-8")
        assistant.refresh()
        page.get_by_role("tab", name="Chat").click()
        page.get_by_role("tab", name="Documents").click()  # opening the tab shows the index as it is now
        page.wait_for_selector("#documents >> text=later.txt", timeout=20000)

        page.get_by_role("tab", name="Chat").click()
        box = page.locator("#question textarea")
        box.fill("Who is the harbour master of Valparaiso?")
        box.press("Enter")
        page.wait_for_selector("#viewer >> text=late.txt", timeout=60000)

        page.get_by_role("tab", name="Documents").click()
        page.get_by_role("button", name="Remove from index").click()
        page.wait_for_function("document.querySelector('#status textarea').value.includes('choose an indexed')",
                               timeout=20000)
        page.get_by_label("Document to remove").click()
        page.get_by_role("option", name="late.txt", exact=True).click()
        page.get_by_role("button", name="Remove from index").click()
        page.wait_for_selector("#confirm-removal >> text=from the index?", timeout=20000)
        page.screenshot(path=str(screenshots / "confirm_removal.png"), full_page=True)
        page.get_by_role("button", name="Cancel").click()
        page.wait_for_function("document.querySelector('#status textarea').value.includes('nothing was removed')",
                               timeout=20000)
        assert "late.txt" in assistant.index.documents
        page.get_by_role("button", name="Remove from index").click()
        page.get_by_role("button", name="Yes, remove it").click()
        page.wait_for_function("document.querySelector('#status textarea').value.includes('removed late.txt')",
                               timeout=60000)
        assert "late.txt" not in assistant.index.documents
        assert page.locator("#documents >> text=late.txt").count() == 0

        page.get_by_role("tab", name="Chat").click()
        page.locator('#chat a[href="#cite-0-1"]').first.click()
        page.wait_for_selector("#viewer >> text=was removed from the documents after this answer", timeout=20000)
        assert "Ignacio Quintana" in page.locator("#viewer").inner_text()  # the quote as the answer gave it
        browser.close()
    assert "Traceback" not in capfd.readouterr().err


def test_a_citation_of_a_removed_or_changed_document_says_so(tmp_path, embedder):
    from qa import Assistant
    from ui.app import citation_view

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Anna Rossi is the mayor.", encoding="utf-8")
    (docs / "b.txt").write_text("Tom Berg is the pilot.", encoding="utf-8")
    assistant = Assistant.open(docs, tmp_path / "idx", embedder=embedder, use_reader=False)
    citation = {"source": "a.txt", "start": 0, "end": 10, "quote": "Anna Rossi"}
    assert '<mark id="cited">Anna Rossi</mark>' in citation_view(assistant, citation)
    (docs / "a.txt").write_text("Maria Rossi is the mayor.", encoding="utf-8")
    assert "This document changed after this answer" in citation_view(assistant, citation)
    (docs / "a.txt").unlink()  # by another process: this one's index still lists it
    assert "was removed from the documents" in citation_view(assistant, citation)
    assistant.refresh()
    assert "was removed from the documents" in citation_view(assistant, citation)


@pytest.mark.parametrize(
    ("question", "follows_up"),
    [("Which of them is a US citizen?", True), ("Which one is older?", True), ("What is his job?", True),
     ("Is he a US citizen?", True), ("Where do they live now?", True), ("When was this article published?", True),
     ("Who wrote it?", True), ("Why did that happen?", True), ("Is it true?", True),
     ("Does it work outdoors?", False), ("Is it raining in Minsk?", False), ("Who is Marie Dubois?", False),
     ("What is the population of Minsk?", False), ("Who said that prices rose?", False),
     ("What did Lukashenko say about his rivals?", False)],
)
def test_a_follow_up_is_a_question_that_lacks_what_the_last_answer_gives(question, follows_up):
    from qa.followup import follow_up

    turns = [{"question": "Who was arrested in Moscow?", "answer": "Alexander Feduto and Yuri Zenkovich"}]
    searched = follow_up(question, turns)
    if follows_up:
        context = "Alexander Feduto and Yuri Zenkovich"
        assert (searched.question, searched.context) == (f"{question} ({context})", context)
    else:
        assert searched.question == question and searched.context is None
    assert follow_up(question, []).context is None  # a cleared chat has nothing to follow up


def test_a_follow_up_says_so_in_the_answer(assistant):
    from qa.followup import follow_up
    from ui.render import answer_markdown

    first = assistant.ask("Who was arrested in Moscow?")
    searched = follow_up("Which of them is a US citizen?", [{"answer": first.short_answer}])
    shown = answer_markdown(assistant.ask(searched.question), asked="Which of them is a US citizen?", turn=1,
                            context=searched.context)
    assert shown.startswith("*Follow-up to the previous answer (")


def test_twenty_concurrent_users(app_url):
    """20 users ask at once: every answer is right, and new clients keep connecting meanwhile. Latencies and
    connect times are reported, never asserted; the clients wait as long as the server needs (a busy machine
    makes it slow, not wrong), where gradio_client's own default gives up after 20 s."""
    import concurrent.futures

    from index.names import name_key

    questions = [("Who was arrested in Moscow?", True), ("What is the capital of Australia?", False),
                 ("Who is Lukashenka's press secretary?", True)]
    patience = {"timeout": 600}  # seconds: a stuck server still fails the test, a slow one does not
    deadline = time.time() + float(os.environ.get("DOCQA_LOAD_SECONDS", "25"))  # the longer run: README

    def user(n: int) -> list[float]:
        client = Client(app_url, verbose=False, httpx_kwargs=patience)
        latencies = []
        i = n
        while time.time() < deadline:
            question, answerable = questions[i % len(questions)]
            started = time.time()
            result = client.predict(question, 5, api_name="/ask")
            latencies.append(time.time() - started)
            assert result["answerable"] is answerable, (question, result["text"])
            if question.startswith("Who was arrested"):
                assert name_key("Feduto") in {name_key(w) for w in result["text"].split()}
            i += 1
        return latencies

    def newcomers() -> list[float]:
        """A new client connects (reads the app's config) every half second while the users ask."""
        times = []
        while time.time() < deadline:
            started = time.time()
            Client(app_url, verbose=False, httpx_kwargs=patience)  # reads the config and the API description
            times.append(time.time() - started)
            time.sleep(0.5)
        return times

    with concurrent.futures.ThreadPoolExecutor(21) as pool:
        connecting = pool.submit(newcomers)
        results = list(pool.map(user, range(20)))
        connects = sorted(connecting.result())
    latencies = sorted(t for r in results for t in r)
    assert all(results), "every user got at least one answer"
    assert connects, "a new client connected while 20 users asked"
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"\n20 users: {len(latencies)} answers, p50 {latencies[len(latencies) // 2]:.2f}s, p95 {p95:.2f}s; "
          f"{len(connects)} new clients connected meanwhile, connect p50 {connects[len(connects) // 2]:.2f}s, "
          f"max {connects[-1]:.2f}s")


def test_memory_does_not_grow_over_1000_questions(assistant):
    def rss_mb() -> float:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024

    questions = ["Who was arrested in Moscow?", "What is the population of Minsk?", "Where is Tichanovskaya?",
                 "Who is Lukashenka's press secretary?", "What was seized during the joint exercise?"]
    for q in questions * 10:
        assistant.ask(q)
    before = rss_mb()
    for i in range(1000):
        assistant.ask(questions[i % len(questions)])
    after = rss_mb()
    print(f"\nRSS before {before:.0f} MB, after 1,000 questions {after:.0f} MB")
    assert after - before < 40
