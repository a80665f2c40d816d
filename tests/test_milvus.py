"""The Milvus store against the real Milvus 2.3 server that the ``milvus`` wheel carries, started once per session.

The same hits and answers as the embedded store; documents added, changed and removed; two assistants on one
collection; a refresh killed half-way.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from index.milvus import MilvusAddress, MilvusCollection, MilvusStore, MilvusUnavailableError, passage_key
from tests.conftest import ROOT, SEEDS, free_port

QUESTIONS = [json.loads(line)["question"]
             for line in (ROOT / "tests" / "data" / "seeds_qa.jsonl").read_text(encoding="utf-8").splitlines()]
NEW_DOC = ("The lighthouse keeper Ottoline Brackwater repainted the Kilnsea lighthouse in ochre in March. "
           "She said the old white paint had peeled after three winters of salt spray.")


@pytest.fixture(scope="session")
def milvus_url(tmp_path_factory):
    """milvus://127.0.0.1:PORT of a Milvus standalone server started from the wheel (stopped at the end)."""
    try:
        from milvus import default_server
    except ImportError as error:
        pytest.skip(f"the milvus wheel is not installed ({error}); pip install -r requirements.txt")
    base = tmp_path_factory.mktemp("milvus-data")
    default_server.set_base_dir(str(base))
    default_server.listen_port = free_port()
    # The embedded etcd listens on 2379/2380 unless told otherwise: free ports, so that another Milvus on this
    # machine (a developer's, another test run's) does not stop this one from starting.
    client, peer = free_port(), free_port()
    default_server.config.configs["etcd_port"] = client
    (base / "etcd.yaml").write_text(
        f"name: default\nlisten-client-urls: http://127.0.0.1:{client}\nadvertise-client-urls: http://127.0.0.1:{client}\n"
        f"listen-peer-urls: http://127.0.0.1:{peer}\ninitial-advertise-peer-urls: http://127.0.0.1:{peer}\n"
        f"initial-cluster: default=http://127.0.0.1:{peer}\n")
    os.environ["ETCD_CONFIG_PATH"] = str(base / "etcd.yaml")  # read by the server (etcd.config.path)
    try:
        default_server.start()
    except Exception as error:  # the wheel's server binary is linux x86_64 only; a start can time out
        default_server.stop()
        pytest.skip(f"the Milvus server from the milvus wheel did not start here ({error!r}); see its logs in {base}")
    finally:
        del os.environ["ETCD_CONFIG_PATH"]
    yield f"milvus://127.0.0.1:{default_server.listen_port}"
    default_server.stop()


def _docs(tmp_path, name="docs"):
    docs = tmp_path / name
    shutil.copytree(SEEDS, docs)
    return docs


def _open(docs, index_dir, url, embedder, reader=None, collection="docqa_test"):
    from qa import Assistant

    return Assistant.open(docs, index_dir, embedder=embedder, reader=reader, use_reader=reader is not None,
                          store=f"{url}/{collection}")


def _live_keys(assistant):
    index = assistant.index
    return {passage_key(p) for p, alive in zip(index.passages, index.alive) if alive}


@pytest.fixture(scope="module")
def on_milvus(milvus_url, tmp_path_factory, embedder, reader):
    tmp = tmp_path_factory.mktemp("on-milvus")
    return _open(_docs(tmp), tmp / "index", milvus_url, embedder, reader, "docqa_same")


def test_same_top_hits_as_the_embedded_store(on_milvus, assistant):
    assert on_milvus.index.store.kind.startswith("milvus://") and assistant.index.store.kind == "exact"
    for question in QUESTIONS[:30]:
        ours = [(h.source, h.start, h.end, round(h.score, 4)) for h in on_milvus.retrieve(question, k=5)]
        embedded = [(h.source, h.start, h.end, round(h.score, 4)) for h in assistant.retrieve(question, k=5)]
        assert ours == embedded, question


def test_same_answers_and_citations_as_the_embedded_store(on_milvus, assistant):
    for question in QUESTIONS[:12]:
        ours, embedded = on_milvus.ask(question), assistant.ask(question)
        assert (ours.text, ours.answerable, ours.citations) == (embedded.text, embedded.answerable,
                                                                 embedded.citations), question


def test_milvus_holds_each_live_passage_once_with_its_source_offsets_and_text(on_milvus, seed_texts):
    collection = on_milvus.remote
    assert collection.keys() == _live_keys(on_milvus)
    index = on_milvus.index
    some = [index.passages[row] for row in range(0, len(index.passages), 5)]
    rows = collection._client.query(collection.address.collection, filter=f"id in {[passage_key(p) for p in some]}",
                                    output_fields=["source", "start", "end", "text", "heading"])
    assert len(rows) == len(some)
    for row in rows:
        assert seed_texts[row["source"]][row["start"]:row["end"]] == row["text"]
    stored = collection.fetch([passage_key(some[0])])[passage_key(some[0])]
    np.testing.assert_array_equal(stored.vector, index.vectors[0])
    spans, _, sentence_vectors = index.passage_sentences(0)
    np.testing.assert_array_equal(stored.sentence_vectors, sentence_vectors)


def test_an_added_changed_and_removed_document_is_reflected(milvus_url, tmp_path, embedder):
    docs = _docs(tmp_path)
    assistant = _open(docs, tmp_path / "index", milvus_url, embedder, collection="docqa_edit")
    question = "What colour was the Kilnsea lighthouse painted?"
    assert all(h.source != "lighthouse.txt" for h in assistant.retrieve(question, k=3))

    (docs / "lighthouse.txt").write_text(NEW_DOC, encoding="utf-8")
    report = assistant.refresh()
    assert report.embedded == ["lighthouse.txt"]
    hits = assistant.retrieve(question, k=3)
    assert hits[0].source == "lighthouse.txt" and hits[0].trace.dense_rank == 1
    first = _live_keys(assistant)
    assert assistant.remote.keys() == first

    (docs / "lighthouse.txt").write_text(NEW_DOC.replace("ochre", "teal"), encoding="utf-8")
    assistant.refresh()
    assert "teal" in assistant.retrieve(question, k=1)[0].text
    assert assistant.remote.keys() == _live_keys(assistant) != first

    (docs / "lighthouse.txt").unlink()
    assert assistant.refresh().removed == ["lighthouse.txt"]
    assert all(h.source != "lighthouse.txt" for h in assistant.retrieve(question, k=5))
    assert assistant.remote.keys() == _live_keys(assistant)

    assistant.remote.delete(assistant.remote.keys())  # an emptied (or new) collection is written again
    report = assistant.refresh()
    assert "lacks rows" in report.rebuilt_because and not report.embedded
    assert assistant.remote.keys() == _live_keys(assistant)
    assert assistant.retrieve("Who was arrested in Moscow?", k=1)[0].trace.dense_rank is not None


def test_two_assistants_on_one_collection_see_each_others_documents_without_a_restart(milvus_url, tmp_path,
                                                                                       embedder, reader):
    docs = _docs(tmp_path)  # both serve one folder (a shared disk), each with its own index folder
    first = _open(docs, tmp_path / "index-a", milvus_url, embedder, reader, "docqa_two")
    second = _open(docs, tmp_path / "index-b", milvus_url, embedder, reader, "docqa_two")
    assert second.last_refresh.pulled == sorted(p.name for p in SEEDS.iterdir()) and not second.last_refresh.embedded

    (docs / "lighthouse.txt").write_text(NEW_DOC, encoding="utf-8")
    assert first.refresh().embedded == ["lighthouse.txt"]
    report = second.refresh()  # what the second server's folder watcher does
    assert (report.pulled, report.embedded) == (["lighthouse.txt"], [])
    answer = second.ask("Who repainted the Kilnsea lighthouse?")
    assert answer.answerable and "Brackwater" in answer.text
    assert [c.source for c in answer.citations] == ["lighthouse.txt"]
    assert answer.text == first.ask("Who repainted the Kilnsea lighthouse?").text


KILLED_REFRESH = textwrap.dedent("""
    import os, signal, sys
    import index.build
    from index import Embedder, open_index
    from index.milvus import MilvusAddress, MilvusCollection

    docs, index_dir, url, point = sys.argv[1:]
    die = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
    if point == "before-switch":
        index.build.save_index = die
    else:
        MilvusCollection.delete = die
    embedder = Embedder()
    remote = MilvusCollection.connect(MilvusAddress.parse(url, ""), embedder.name, embedder.dimension)
    open_index(docs, index_dir, embedder, remote=remote)
""")


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before-switch", "before-delete"])
def test_a_refresh_killed_half_way_leaves_a_consistent_index(point, milvus_url, tmp_path, embedder):
    docs = _docs(tmp_path)
    url = f"{milvus_url}/docqa_kill_{point.replace('-', '_')}"
    assistant = _open(docs, tmp_path / "index", milvus_url, embedder, collection=url.rsplit("/", 1)[1])
    before = _live_keys(assistant)
    question = "Who wrote the article about the thwarted coup attempt against Lukashenko?"
    hits = [(h.source, h.start, h.score) for h in assistant.retrieve(question, k=5)]
    changed = sorted(docs.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA correction was added later.", encoding="utf-8")
    (docs / "lighthouse.txt").write_text(NEW_DOC, encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-c", KILLED_REFRESH, str(docs), str(tmp_path / "index"), url, point],
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == -9, run.stderr[-2000:]
    stored = assistant.remote.keys()
    assert (tmp_path / "index" / "milvus-journal.json").exists()
    if point == "before-switch":  # the old manifest is in force; the new rows are there but never returned
        assert stored > before
        assert [(h.source, h.start, h.score) for h in assistant.retrieve(question, k=5)] == hits
        assert all(h.source != "lighthouse.txt" for h in assistant.retrieve("Kilnsea lighthouse ochre", k=5))
    else:  # the new manifest is in force; the rows it replaced are still stored, and never returned
        from index import load_index

        switched = load_index(tmp_path / "index")
        live = {passage_key(p) for p, alive in zip(switched.passages, switched.alive) if alive}
        assert "lighthouse.txt" in switched.documents and live <= stored
        assert before - live and before - live <= stored

    report = assistant.refresh()
    assert not (tmp_path / "index" / "milvus-journal.json").exists()
    assert "lighthouse.txt" in assistant.index.documents
    assert assistant.remote.keys() == _live_keys(assistant)
    assert assistant.retrieve("Kilnsea lighthouse ochre", k=1)[0].source == "lighthouse.txt"
    assert report.changed or point == "before-delete"


def test_a_collection_of_another_model_is_refused(milvus_url, on_milvus):
    from index.milvus import ForeignCollectionError

    address = MilvusAddress.parse(f"{milvus_url}/docqa_same", "")
    with pytest.raises(ForeignCollectionError, match="name another collection"):
        MilvusCollection.connect(address, "another-model", 384)


def test_no_server_is_a_clear_error():
    port = free_port()
    with pytest.raises(MilvusUnavailableError, match=f"cannot reach Milvus at 127.0.0.1:{port}"):
        MilvusCollection.connect(MilvusAddress("127.0.0.1", port, "docqa_x"), "model", 384, timeout=2)


@pytest.mark.parametrize("url", ["redis://h:1", "milvus://", "milvus://h:1/9lives", "milvus://h:port"])
def test_bad_store_addresses_are_refused(url):
    with pytest.raises(ValueError, match="store must be|collection names"):
        MilvusAddress.parse(url, "docqa_x")


class _Ranked:
    """A stand-in for the collection's search (the seam between Milvus and the row numbers)."""

    address = MilvusAddress("h", 1, "c")

    def __init__(self, keys, scores):
        self.keys, self.scores = np.array(keys), np.array(scores, dtype=np.float32)

    def search(self, queries, limit):
        return [(self.keys[:limit], self.scores[:limit])] * len(queries)


def test_keys_become_rows_unknown_keys_are_dropped_and_a_shared_key_maps_to_the_later_row():
    store = MilvusStore(_Ranked([30, 99, 10, 20], [0.9, 0.8, 0.7, 0.6]), np.array([10, 20, 30, 10]))
    ids, scores = store.search(np.zeros((2, 4), np.float32), k=3)
    assert ids.tolist() == [[2, 3, 1]] * 2
    np.testing.assert_allclose(scores[0], [0.9, 0.7, 0.6])
    ids, _ = MilvusStore(_Ranked([30], [0.9]), np.array([10, 20, 30])).search(np.zeros((1, 4), np.float32), k=2)
    assert ids.tolist() == [[2, -1]]


def _wait_until_serving(server: subprocess.Popen, port: int, log, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"python -m ui exited with {server.returncode}: {log.read_text()[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    pytest.fail(f"python -m ui did not serve within {seconds}s: {log.read_text()[-2000:]}")


@pytest.mark.slow
def test_two_ui_servers_on_one_milvus_answer_alike_and_both_answer_a_new_document(milvus_url, tmp_path):
    from gradio_client import Client

    docs = _docs(tmp_path)  # one folder (a shared disk), one collection, an index folder each
    url, ports = f"{milvus_url}/docqa_ui", (free_port(), free_port())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    servers = []
    try:
        for n, (port, flags, extra) in enumerate([(ports[0], ["--store", url], {}),
                                                   (ports[1], [], {"DOCQA_STORE": url})]):  # the flag, then the env
            log = tmp_path / f"ui-{n}.log"
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "ui", "--docs", str(docs), "--index-dir", str(tmp_path / f"index-{n}"),
                 "--port", str(port), *flags], cwd=ROOT, env={**env, **extra}, stdout=log.open("w"),
                stderr=subprocess.STDOUT))
            _wait_until_serving(servers[-1], port, log)
        first, second = (Client(f"http://127.0.0.1:{port}/", verbose=False) for port in ports)
        question = "Who was arrested in Moscow?"
        answers = [client.predict(question, 5, api_name="/ask") for client in (first, second)]
        assert [(a["text"], a["citations"]) for a in answers] == [(answers[0]["text"], answers[0]["citations"])] * 2
        assert answers[0]["answerable"]

        (docs / "lighthouse.txt").write_text(NEW_DOC, encoding="utf-8")  # what an upload to either server does
        question, deadline, answer = "Who repainted the Kilnsea lighthouse?", time.monotonic() + 120, {}
        while time.monotonic() < deadline and [c["source"] for c in answer.get("citations", [])] != ["lighthouse.txt"]:
            time.sleep(1)
            answer = second.predict(question, 5, api_name="/ask")
        assert [c["source"] for c in answer["citations"]] == ["lighthouse.txt"] and "Brackwater" in answer["text"]
        assert first.predict(question, 5, api_name="/ask")["text"] == answer["text"]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
