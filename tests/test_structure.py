"""Document structure: headings, FAQ entries and the passages' heading paths."""

from index import Document, chunk_document
from index.structure import Outline, find_headings, is_list_item, sections

FAQ = """# Scanner FAQ
Our scanners in one page.

## How do I pair the scanner?
Hold the trigger for five seconds. Then open the app.

Is it waterproof?
No, it is splash resistant only.

**Warranty**
Two years from delivery.
Q: Can I return it?
A: Yes, within 30 days.
"""


def test_markdown_faq_and_bold_headings_are_found_with_their_levels():
    found = [(h.level, h.title, h.question) for h in find_headings(FAQ)]
    assert found == [(1, "Scanner FAQ", False), (2, "How do I pair the scanner?", True),
                     (7, "Is it waterproof?", True), (7, "Warranty", False), (7, "Can I return it?", True)]


def test_an_faq_entry_is_a_sibling_of_the_entry_before_it():
    paths = [s.path for s in sections(FAQ)]
    assert paths == [("Scanner FAQ",), ("Scanner FAQ", "How do I pair the scanner?"),
                     ("Scanner FAQ", "Is it waterproof?"), ("Scanner FAQ", "Warranty"),
                     ("Scanner FAQ", "Can I return it?")]


def test_a_question_line_needs_an_answer_below_and_list_items_are_no_headings():
    text = "Why now?\nWhat next?\n- Pay the fee.\n- Is this a heading?\n- No.\n"
    assert [h.title for h in find_headings(text)] == ["What next?"]
    assert is_list_item("- Pay the fee") and is_list_item("2. Sign") and not is_list_item("2024 was good.")


def test_sections_cover_the_text_and_the_context_leaves_out_a_heading_the_text_starts_with():
    outline = Outline(FAQ)
    assert outline.sections[0].start == 0 and outline.sections[-1].end == len(FAQ)
    body = FAQ.index("Hold the trigger")
    assert outline.context(body) == "Scanner FAQ > How do I pair the scanner?"
    assert outline.context(FAQ.index("## How")) == "Scanner FAQ"


def test_passages_stay_inside_their_section_and_know_their_heading_path():
    doc = Document("faq.md", FAQ, "0")
    passages = chunk_document(doc, max_words=150, overlap_words=30)
    for p in passages:
        assert doc.text[p.start:p.end] == p.text
    pairing = next(p for p in passages if "Hold the trigger" in p.text)
    assert pairing.text.startswith("## How do I pair the scanner?") and "waterproof" not in pairing.text
    assert pairing.heading == "Scanner FAQ"
    assert pairing.searchable == "Scanner FAQ\n" + pairing.text


def test_a_long_section_repeats_its_heading_path_on_every_passage():
    text = "# Travel policy\n## Per diems\n" + " ".join(f"Rule {i} applies to trips." for i in range(80))
    passages = chunk_document(Document("t.md", text, "0"), max_words=40, overlap_words=5)
    later = [p for p in passages if p.start > text.index("Rule 30")]
    assert later and all(p.heading == "Travel policy > Per diems" for p in later)
