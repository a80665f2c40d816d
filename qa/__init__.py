"""Question answering with citations over a folder of documents: the public API.

    from qa import Assistant
    assistant = Assistant.open("seeds")
    answer = assistant.ask("Who was arrested in Moscow?")
"""

from qa.answer import NOT_FOUND, Answer, AnswerSettings, Citation
from qa.assistant import Assistant, default_index_dir
from qa.errors import InvalidQuestionError
from qa.reader import Reader, Span
from qa.retrieve import Hit, RetrievalSettings, Sentence, Trace

__all__ = [
    "NOT_FOUND", "Answer", "AnswerSettings", "Assistant", "Citation", "Hit", "InvalidQuestionError", "Reader",
    "RetrievalSettings", "Sentence", "Span", "Trace", "default_index_dir",
]
