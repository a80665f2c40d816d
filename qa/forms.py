"""Answers made of sentences, in the form the question's plan asks for (``qa.plan``): the reason, the
steps or items of a list, the sentence that bears on a yes-or-no question (with its own "Yes"/"No"), the
definition of a term, the body under a matching FAQ heading. The answer-sentence model (``qa.judge``)
chooses the sentences and decides whether the documents answer at all; the document's structure (list
lines, headings) decides how much to quote. Every quote is a verbatim span of its document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from index.structure import find_headings, is_list_item, open_headings
from qa.answer_type import AUXILIARY, WH_WORD
from qa.answer import (OPENS_WITH_PRONOUN, YES_NO_LEAD, Answer, AnswerSettings, Citation, cite, distinct_sentences,
                       is_question, is_table_row,
                       Naming, naming_of, not_found, render, sigmoid, title_of)
from qa.describe import role_beside
from qa.judge import Judged, SentenceJudge
from qa.plan import DEFINITION, LIST, OUTCOME, REASON, STEPS, YES_NO_FORM, QuestionPlan
from qa.ranges import Amount, amounts_asked, ranges_in
from qa.retrieve import Hit, Sentence
from index.lexical import stem_tokens
from qa.topic import covers

JUDGED_HITS = 4  # passages whose sentences the answer-sentence model reads
MAX_JUDGED = 16  # sentences it reads at most: those the retrieval scores best
MAX_ITEMS = 10  # list items quoted at most
MAX_ITEM_SENTENCES = 3  # sentences of one list item quoted at most
SECOND_OPINION = 0.0  # log-odds above which a second sentence is quoted beside a yes-no answer's best
FAQ_MATCH = 0.7  # cosine of a question heading with the question above which its body answers it
_TABLE_RULE = re.compile(r"^[\s|:+-]+$")  # the |---|---| line under a table's column names
_YES_NO_WORD = re.compile(r"^\W*(yes|no)\b", re.I)
_TERM_DEFINED = re.compile(r"^\W*(?P<term>[^:\n\u2013\u2014]{1,60}?)\s*(?::|\s[-\u2013\u2014]\s|\s+(?:is|are|means)\s+)"
                           r"(?:an?\s+|the\s+)?(?P<definition>[^\n]{3,})$")
NOTES = {
    REASON: "The reason the documents give:",
    STEPS: "What the documents say to do:",
    LIST: "What the documents list:",
    YES_NO_FORM: YES_NO_LEAD,
}


def sentence_contexts(hit: Hit) -> list[str]:
    """The heading path each sentence of hit sits under: the passage's own path (its document's name when
    it has none, ``title_of``), then the last heading
    line of the passage before the sentence (an FAQ question, a ``##`` line), a table row's column names,
    and, for a sentence that opens with a pronoun, the sentence before it."""
    headings = find_headings(hit.text)
    contexts = []
    for n, sentence in enumerate(hit.sentences):
        local = sentence.start - hit.start
        above = [h.title for h in open_headings([h for h in headings if h.end <= local])]
        # "It was built of stone." is read after the sentence its pronoun points back to.
        before = hit.sentences[n - 1].text if n and OPENS_WITH_PRONOUN.match(sentence.text) else ""
        path = [p for p in (hit.heading or title_of(hit.source), *above, _table_header(hit.text, local), before)
                if p]
        contexts.append(" > ".join(path))
    return contexts


def _table_header(text: str, offset: int) -> str:
    """The first row of the Markdown table whose row starts at offset (its column names), "" when the
    line is not a table row or is that first row."""
    lines = text[:offset].split("\n")
    if not is_table_row(text[offset:].split("\n", 1)[0]):
        return ""
    rows = []
    for line in reversed(lines[:-1]):
        if not is_table_row(line):
            break
        rows.append(line.strip())
    return rows[-1] if rows else ""


def heading_starts(hit: Hit) -> set[int]:
    """The document offsets of hit's sentences that are heading lines (worked out once per hit)."""
    spans = [(h.start + hit.start, h.end + hit.start) for h in find_headings(hit.text)]
    return {s.start for s in hit.sentences if any(a <= s.start < b for a, b in spans)}


def judged_hits(question: str, hits: list[Hit], judge: SentenceJudge | None, naming: Naming | None = None
                ) -> list[Hit]:
    """hits with the ``MAX_JUDGED`` best-scored sentences of the first ``JUDGED_HITS`` judged by the
    answer-sentence model, each read under its heading path; hits as they are without the model. When the
    question names something (a name, a year, a version: ``naming``, worked out here when not given), the
    sentences about it in the first ``JUDGED_HITS`` hits that have such sentences come first."""
    if judge is None or not judge.available or not hits:
        return hits
    about = (naming or naming_of(question, hits)).cut(hits)
    preferred = {(h.source, s.start) for h in (about if about is not hits else [])[:JUDGED_HITS] for s in h.sentences}
    found: dict[tuple[str, int, int], tuple[float, Judged]] = {}
    by_source_start = {(h.source, h.start): h for h in hits}
    for hit in [*hits[:JUDGED_HITS], *(by_source_start[(h.source, h.start)] for h in about[:JUDGED_HITS])]:
        for sentence, context in zip(hit.sentences, sentence_contexts(hit)):
            found.setdefault((hit.source, sentence.start, sentence.end), (sentence.score, Judged(sentence.text, context)))
    # the retrieval's best sentences (about what the question names first): the model re-ranks them (its
    # cost grows with each sentence read)
    def rank(key: tuple[str, int, int]) -> tuple[bool, float]:
        return (key[:2] not in preferred, -found[key][0])

    keys = dict(sorted(((key, judged) for key, (_, judged) in found.items()), key=lambda kv: rank(kv[0]))[:MAX_JUDGED])
    logits = dict(zip(keys, judge.logits(question, list(keys.values()))))
    return [replace(hit, sentences=tuple(replace(s, judged=logits.get((hit.source, s.start, s.end)))
                                         for s in hit.sentences)) for hit in hits]


def best_judged(hits: list[Hit]) -> float:
    """The highest answer-sentence log-odds among hits' sentences (-30 when none was judged)."""
    return max((s.judged for h in hits for s in h.sentences if s.judged is not None), default=-30.0)


def _continues(hit: Hit, index: int) -> bool:
    """Whether sentence index of hit goes on a line begun before it: the same line (the second sentence
    of a list item) or an indented line under it."""
    local = hit.sentences[index].start - hit.start
    line = hit.text.rfind("\n", 0, local) + 1
    return bool(hit.text[line:local]) and (not hit.text[line:local].isspace() or local > line)


def _item(hit: Hit, index: int) -> bool:
    """Whether sentence index of hit opens a list item line ("- Pay", "2. Sign") or is a table row (a
    table lists its rows)."""
    local = hit.sentences[index].start - hit.start
    line = hit.text.rfind("\n", 0, local) + 1
    text = hit.text[line : hit.sentences[index].end - hit.start]
    return ((is_list_item(text) or (is_table_row(text) and not _TABLE_RULE.match(text)))
            and not hit.text[line:local].strip())


def _items_from(hit: Hit, first: int) -> list[Sentence]:
    """The list items of hit from sentence first on, each item's opening sentence, until the list ends."""
    items: list[Sentence] = []
    for i in range(first, len(hit.sentences)):
        if _TABLE_RULE.match(hit.sentences[i].text):
            continue  # the rule under a table's column names: the rows go on below it
        if _item(hit, i):
            items.append(hit.sentences[i])
        elif not (items and _continues(hit, i)):
            break
        if len(items) >= MAX_ITEMS:
            break
    return items


# The words that ask, not what is asked about (``stem_tokens`` keeps some of them): the question words and
# auxiliaries of ``qa.answer_type``, the imperatives of a request, and the asker.
_ASKING = set(stem_tokens(" ".join(re.findall(r"\w+", WH_WORD + AUXILIARY)) + " list name tell show give be been "
                          "i we you our my"))


def _section_named(question: str, hits: list[Hit], following: Callable[[Hit], Hit | None] | None
                   ) -> tuple[Hit, list[Sentence]] | None:
    """The list under a heading that names what the question asks, and nothing more ("What are the action
    items?" over "## Action items"): every word of the heading is in the question, and every word of the
    question is in the heading, the headings above it or the document's name (so "the action items for
    marketing" is not answered by a list that does not say marketing). The first such list in hits, or
    None; the heading is matched by words, so its items need not be judged to answer one by one."""
    asked = set(stem_tokens(question)) - _ASKING
    for hit in hits:
        headings = find_headings(hit.text)
        for n, heading in enumerate(headings):
            named = set(stem_tokens(heading.title))
            around = set(stem_tokens(" ".join([hit.heading, title_of(hit.source),
                                               *(h.title for h in open_headings(headings[: n + 1]))])))
            if not named or not named <= asked or not asked <= named | around:
                continue
            first = next((i for i, s in enumerate(hit.sentences) if s.start - hit.start >= heading.end), None)
            if first is None:
                continue
            items = _items_from(hit, first)
            if items and items[-1] == hit.sentences[-1] and following is not None and (longer := following(hit)):
                hit, items = longer, _items_from(longer, first)
            if items:
                return hit, items
    return None


def _whole_item(hit: Hit, index: int) -> list[Sentence]:
    """Sentence index of hit with the other sentences of its list item, when it is in one: "- Fixes the
    battery jumping to 0%. The battery was not faulty." is one item, and "Ask IT for an exception." is
    quoted with the "- USB sticks are blocked." it qualifies (at most ``MAX_ITEM_SENTENCES``, from the
    item's first)."""
    first = index
    while first > 0 and _continues(hit, first) and not _item(hit, first):
        first -= 1
    if not _item(hit, first):
        return [hit.sentences[index]]
    last = index
    while last + 1 < len(hit.sentences) and _continues(hit, last + 1) and not _item(hit, last + 1):
        last += 1
    first = max(first, index - MAX_ITEM_SENTENCES + 1)
    return list(hit.sentences[first : min(last, first + MAX_ITEM_SENTENCES - 1) + 1])


def _titles_a_list(hit: Hit, index: int) -> bool:
    """Whether sentence index of hit is a short line of its own, without a full stop, right above a list
    item: the list's title in a plain-text file ("Opportunities" over "- Upgrade to Enterprise")."""
    sentence = hit.sentences[index]
    local = sentence.start - hit.start
    own_line = hit.text[hit.text.rfind("\n", 0, local) + 1 : local].strip() == "" and (
        sentence.end - hit.start >= len(hit.text) or hit.text[sentence.end - hit.start] == "\n")
    return (own_line and len(sentence.text.split()) <= 6 and not sentence.text.rstrip().endswith((".", "!", "?"))
            and index + 1 < len(hit.sentences) and _item(hit, index + 1))


def _list_around(hit: Hit, index: int) -> list[Sentence]:
    """The list that sentence index of hit belongs to (an item, or a line that goes on an item), from its
    first item in hit; or the list its line introduces ("Before a trip, make sure you have:"); []."""
    in_list = [False] * len(hit.sentences)
    for i in range(len(hit.sentences)):
        in_list[i] = _item(hit, i) or (i > 0 and in_list[i - 1] and _continues(hit, i))
    if not in_list[index]:
        return _items_from(hit, index + 1)
    first = index
    while first > 0 and in_list[first - 1]:
        first -= 1
    return _items_from(hit, first)


def _body_after_heading(hit: Hit, sentence: Sentence, question_similarity: float) -> list[Sentence]:
    """When sentence sits under a question heading (an FAQ entry) of hit that matches the question (cosine
    at least ``FAQ_MATCH``), the sentences under that heading up to the next one; else []."""
    headings = find_headings(hit.text)
    local = sentence.start - hit.start
    above = [n for n, h in enumerate(headings) if h.end <= local]
    if not above or not headings[above[-1]].question:
        return []
    n = above[-1]
    start, end = headings[n].start, headings[n].end
    heading = next((s for s in hit.sentences if start <= s.start - hit.start < end), None)
    if heading is None or heading.similarity < question_similarity:
        return []
    stop = headings[n + 1].start if n + 1 < len(headings) else len(hit.text)
    return [s for s in hit.sentences if end <= s.start - hit.start < stop]


_MINOR = {"of", "and", "the", "for", "&", "a", "an", "to", "in", "on"}


def spelled_out(abbreviation: str, text: str) -> tuple[int, int] | None:
    """The span of the words an abbreviation stands for where text writes them beside it in brackets,
    either way round, and their initials spell it; None otherwise.

    Example:
        >>> text = "A service-level agreement (SLA) sets response times; an RMA (return authorisation) is..."
        >>> [text[a:b] for a, b in filter(None, (spelled_out("SLA", text), spelled_out("RMA", text)))]
        ['service-level agreement']
    """
    short = abbreviation.strip()
    if not re.fullmatch(r"[A-Z][A-Za-z0-9&]{1,9}", short):
        return None
    letters = re.sub(r"[^A-Z0-9]", "", short.upper())
    before = rf"(?P<words>(?:[A-Za-z][\w'-]*\s+){{0,{len(letters) + 3}}}[A-Za-z][\w'-]*)\s*\({re.escape(short)}\)"
    after = rf"\b{re.escape(short)}\s*\((?P<words>[^()]{{3,80}})\)"
    for pattern in (after, before):
        for match in re.finditer(pattern, text):
            parts = [(m.start(), m.group()) for m in re.finditer(r"[A-Za-z0-9]+", match.group("words"))]
            for first in range(len(parts)):
                if parts[first][1].lower() in _MINOR:
                    continue
                initials = "".join(w[0].upper() for _, w in parts[first:] if w.lower() not in _MINOR)
                if initials == letters:
                    return match.start("words") + parts[first][0], match.end("words")
    return None


def _short_of(plan: QuestionPlan, sentence: Sentence) -> tuple[int, int] | None:
    """The short answer's span within a sentence answer, when the form has one: the "Yes"/"No" a
    sentence opens with; a role beside the asked name; the definition after "Term:" or "Term is"."""
    if plan.form == YES_NO_FORM and (match := _YES_NO_WORD.match(sentence.text)):
        return match.span(1)
    if plan.form == DEFINITION and plan.subject:
        if plan.name and (role := role_beside(plan.name, sentence.text)) is not None:
            return role.start, role.end
        if (expanded := spelled_out(plan.subject, sentence.text)) is not None:
            return expanded
        match = _TERM_DEFINED.match(sentence.text)
        if match and covers(plan.subject, match.group("term")):
            end = len(sentence.text.rstrip(". "))
            return match.start("definition"), max(end, match.start("definition") + 1)
    return None


def answer_in_form(plan: QuestionPlan, hits: list[Hit], settings: AnswerSettings,
                   following: Callable[[Hit], Hit | None] | None = None, naming: Naming | None = None) -> Answer:
    """The sentence answer for plan's form, from judged hits (``judged_hits``); not found when the best
    sentence's answer-sentence probability is under ``settings.sentence_answer_threshold``. ``following``
    joins a hit with the passage after it (``Retriever.following``), for a list that runs on past it;
    ``naming``: what the question names (``qa.answer.naming_of``), worked out here when not given."""
    question = plan.searched
    # Sentences about what the question names: only those for yes-no ("Was Rossi reappointed?" is not
    # answered by "The board reappointed Berg"; its year or version need not be named: "No, the S2 stays on
    # the 1.x line"), those first for the other forms.
    naming = naming or naming_of(question, hits)
    about = naming.cut(hits, ("name",) if plan.form == YES_NO_FORM else ("name", "number"))
    pool = about if plan.form == YES_NO_FORM or any(s.judged is not None for h in about for s in h.sentences) else hits
    if plan.form == DEFINITION and plan.subject:
        about = [replace(h, sentences=tuple(s for s in h.sentences if covers(plan.subject, s.text))) for h in hits]
        pool = [h for h in about if h.sentences] or pool
    if plan.form in (LIST, STEPS) and (section := _section_named(question, pool, following)) is not None:
        hit, items = section
        citations = [cite(s, hit.source) for s in items]
        note = NOTES[plan.form]
        return Answer(question, render(note, citations), True, tuple(citations), tuple(hits), "", 1.0,
                      float("inf"), {}, note=note)
    candidates = [(s, h) for h in pool for headings in [heading_starts(h)] for s in h.sentences
                  if s.judged is not None and s.start not in headings and not is_question(s)]
    if not candidates:
        return not_found(question, hits)
    # the same sentence in two overlapping passages: the one that goes on after it (its item's next sentence)
    best, hit = max(candidates, key=lambda c: (c[0].judged, len(c[1].sentences) - c[1].sentences.index(c[0])))
    if plan.form == DEFINITION:  # a line that defines the term ("Term: ...", "Name (Role)") over one that uses it
        defining = [c for c in candidates if c[0].judged >= best.judged - 2.0 and _short_of(plan, c[0]) is not None]
        best, hit = max(defining, key=lambda c: c[0].judged, default=(best, hit))
    signals = {"sentence_score": best.score, "judged": best.judged}
    score = settings.log_odds(signals)
    if sigmoid(score) < settings.sentence_answer_threshold or best.similarity < settings.min_similarity:
        return not_found(question, hits, score, signals)
    index = hit.sentences.index(best)
    quoted = _whole_item(hit, index)
    body = _body_after_heading(hit, best, FAQ_MATCH)
    if body and best in body:
        quoted = body[: max(settings.max_evidence, len(_list_around(hit, hit.sentences.index(body[0]))) + 1)]
    # The items of a list, for a question that asks for one, or after a line that introduces one
    # ("Before any trip, make sure you have:"), which answers nothing by itself.
    if plan.form in (LIST, STEPS) or best.text.rstrip().endswith(":") or _titles_a_list(hit, index):
        items = _list_around(hit, index)
        if items and items[-1] == hit.sentences[-1] and following is not None and (longer := following(hit)):
            hit, items = longer, _list_around(longer, index)
        if items:
            quoted = items if best.start >= items[0].start else [best, *items]  # the intro line, then the items
    elif plan.form in (REASON, OUTCOME) and index + 1 < len(hit.sentences):
        following = hit.sentences[index + 1]
        if following.judged is not None and following.judged >= best.judged - 1.0 and following.start not in heading_starts(hit):
            quoted.append(following)
    others: list[tuple[Sentence, str]] = []
    if plan.form == YES_NO_FORM and not _YES_NO_WORD.match(best.text):
        # another sentence the model rates about as highly, elsewhere, bears on it too: quoted, so that
        # the reader sees both ("unused sick days do not carry over" beside "up to 5 vacation days carry over")
        close = sorted((c for c in candidates if c[0] is not best and c[0].judged >= max(SECOND_OPINION,
                        best.judged - 1.0)), key=lambda c: -c[0].judged)
        others = [(s, h.source) for s, h in close[: settings.max_evidence - 1]]
    found = distinct_sentences([(s, hit.source) for s in quoted] + others)
    citations: list[Citation] = [cite(s, source) for s, source in found]
    short = ""
    if (span := _short_of(plan, best)) is not None:
        short = best.text[span[0] : span[1]]
    note = "" if short else NOTES.get(plan.form, "What the documents say:")
    head = short or note
    return Answer(question, render(head, citations), True, tuple(citations), tuple(hits), short, sigmoid(score),
                  score, signals, note=note)


_CELL = re.compile(r"[^|]+")


def _cells(sentence: Sentence) -> list[tuple[int, int]]:
    """The cells of a table row, as (start, end) within the sentence's text, stripped."""
    cells = []
    for match in _CELL.finditer(sentence.text):
        start, end = match.span()
        while start < end and sentence.text[start].isspace():
            start += 1
        while end > start and sentence.text[end - 1].isspace():
            end -= 1
        if end > start:
            cells.append((start, end))
    return cells


def _stems(text: str) -> set[str]:
    return set(stem_tokens(text))


def _row_by_amount(amounts: list[Amount], rows: list[Sentence]) -> tuple[Sentence, int] | None:
    """The one row with a cell whose range holds an amount the question names, and that cell's index
    ("| $1,000 to $5,000 | Department head |" for "a claim of $3,000"); None unless exactly one row does."""
    found = []
    for row in rows:
        cells = [c for c, (a, b) in enumerate(_cells(row)) if any(r.holds(amount) for r in ranges_in(row.text[a:b])
                                                                   for amount in amounts)]
        if cells:
            found.append((row, cells[0]))
    return found[0] if len(found) == 1 else None


def table_answer(question: str, hits: list[Hit], settings: AnswerSettings) -> Answer | None:
    """The cell a question points at in a table of the top hits: the row that names what the question
    names (its cells share the question's words, or one holds an amount the question names in its range:
    ``qa.ranges``), under the column whose name the question uses ("Who manages the Hildesheim plant?":
    row "Hildesheim", column "Manager"), or, in a table of two columns found by an amount, the other
    column. Both must be the only best match; the row and the table's first row are cited. None when no
    table answers so."""
    asked, amounts = _stems(question), amounts_asked(question)
    for hit in hits[: settings.read_depth]:
        rows = [s for s in hit.sentences if is_table_row(s.text) and not _TABLE_RULE.match(s.text)]
        if len(rows) < 2:
            continue
        header, body = rows[0], rows[1:]
        names = [_stems(header.text[a:b]) for a, b in _cells(header)]
        by_amount = _row_by_amount(amounts, body) if amounts else None
        if by_amount is not None:
            row, in_row = by_amount[0], {by_amount[1]}
        else:
            scored = sorted(((len(asked & _stems(row.text)), n) for n, row in enumerate(body)), reverse=True)
            if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
                continue
            row = body[scored[0][1]]
            in_row = {c for c, (a, b) in enumerate(_cells(row)) if asked & _stems(row.text[a:b])}
        cells = _cells(row)
        columns = [c for c, stems in enumerate(names) if asked & stems and c not in in_row and c < len(cells)]
        if not columns and by_amount is not None and len(cells) == 2:
            columns = [1 - by_amount[1]]
        if len(columns) != 1:
            continue
        a, b = cells[columns[0]]
        citations = [cite(row, hit.source), cite(header, hit.source)]
        short = row.text[a:b]
        return Answer(question, render(short, citations), True, tuple(citations), tuple(hits), short, 1.0,
                      float("inf"), {})
    return None
