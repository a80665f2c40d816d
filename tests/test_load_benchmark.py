"""The thread policy (index.threads) and the load benchmark that measures it."""

import threading

from benchmarks import load
from index import threads


def test_one_question_gets_one_thread_and_a_batch_every_core(monkeypatch):
    monkeypatch.setattr(threads, "PER_CALL", True)
    assert threads.threads_for(1) == 1 and threads.threads_for(threads.SMALL_CALL + 1) == threads.ALL_THREADS
    monkeypatch.setattr(threads, "PER_CALL", False)
    assert threads.threads_for(1) == threads.ALL_THREADS


def test_a_threads_setting_stays_in_its_thread_and_is_restored():
    import torch

    before = torch.get_num_threads()
    seen = []

    def question() -> None:
        with threads.torch_threads(1):
            seen.append(torch.get_num_threads())
        seen.append(torch.get_num_threads())

    with threads.torch_threads(before):
        worker = threading.Thread(target=question)
        worker.start()
        worker.join()
    assert seen[0] == 1 and torch.get_num_threads() == before  # the main thread's count never changed


def test_the_load_benchmark_measures_every_cell(tmp_path, capsys):
    cells = load.main(["--docs", "seeds", "--questions", "tests/data/seeds_qa.jsonl", "--users", "1", "2",
                       "--neighbours", "0", "1", "--seconds", "1", "--out", str(tmp_path)])
    assert {(c.policy, c.neighbours, c.users) for c in cells} == {
        (policy, busy, users) for policy in load.POLICIES for busy in (0, 1) for users in (1, 2)}
    assert all(c.answers > 0 and c.errors == 0 and c.per_second > 0 for c in cells)
    table = (tmp_path / "load.md").read_text()
    assert table.count("\n| ") == 1 + len(cells)  # header and one row per cell
    assert table.count("| process | ") == 4 and "| 1.00 | 1.00 |" in table  # the baseline against itself
    assert threads.PER_CALL  # the policy is put back
