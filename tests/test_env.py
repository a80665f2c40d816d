from importlib import metadata

import qa


def test_no_cuda_packages_are_installed():
    names = sorted(d.metadata["Name"].lower() for d in metadata.distributions())
    assert [n for n in names if n.startswith(("nvidia-", "triton", "cuda-"))] == []
    assert "+cpu" in metadata.version("torch")


def test_public_api_names_are_pinned():
    assert sorted(qa.__all__) == sorted([
        "NOT_FOUND", "Answer", "AnswerSettings", "Assistant", "Citation", "Hit", "InvalidQuestionError", "Reader",
        "RetrievalSettings", "Sentence", "Span", "Trace", "default_index_dir",
    ])
