"""One question analysis: the plan's form, normalisation and typo correction against the documents."""

import pytest

from qa.plan import (ARTICLE, DEFINITION, DOCUMENTS, LIST, OUTCOME, REASON, SPAN, STEPS, TOPIC, YES_NO_FORM, normalise,
                     plan_question)
from qa.spelling import Speller


@pytest.mark.parametrize(("question", "form"), [
    ("Who was arrested in Moscow?", SPAN),
    ("How many vacation days do part-time staff get?", SPAN),
    ("What is the refund policy for annual plans?", SPAN),
    ("Why was the release delayed?", REASON),
    ("What was the root cause of the outage?", REASON),
    ("What happens when my free trial ends?", OUTCOME),
    ("What should I do if I lose my badge?", OUTCOME),
    ("What happened to the old office?", SPAN),
    ("How do I reset my password?", STEPS),
    ("What are the steps to file an expense report?", STEPS),
    ("What's the procedure when I wake up sick?", STEPS),
    ("What's the reason for the price change?", REASON),
    ("Who attended the offsite?", LIST),
    ("What is planned for next year?", LIST),
    ("What are the membership tiers?", LIST),
    ("What are the seeds of the lotus called?", SPAN),
    ("Is the dock waterproof?", YES_NO_FORM),
    ("Can contractors work remotely?", YES_NO_FORM),
    ("What is a variance?", DEFINITION),
    ("What does SLA stand for?", DEFINITION),
    ("Who is Anna Rossi?", DEFINITION),
    ("Tell me about the strike", TOPIC),
    ("remote work", TOPIC),
    ("Anna Rossi", TOPIC),
    ("Which articles mention Anna Rossi?", DOCUMENTS),
    ("Who wrote the article about the strike?", ARTICLE),
])
def test_the_form_of_each_kind_of_question(question, form):
    assert plan_question(question).form == form


def test_keywords_without_a_question_word_are_asked_not_taken_for_a_topic():
    plan = plan_question("expense report deadline")
    assert (plan.form, plan.keywords) == (SPAN, True)
    assert plan_question("Who is the CFO?").keywords is False


def test_a_name_to_describe_travels_with_the_plan():
    plan = plan_question("Who is Anna Rossi?")
    assert (plan.name, plan.subject) == ("Anna Rossi", "Anna Rossi")
    assert plan_question("What is a variance?").name == ""


@pytest.mark.parametrize(("typed", "understood"), [
    ("\U0001f512 whats the wifi password", "what's the wifi password"),
    ('"whos the cto"', "who's the cto"),
    ("Q: Can I bring a guest?", "Can I bring a guest?"),
    ("Could you tell me why the launch slipped?", "Why the launch slipped?"),
    ("doesnt the dock charge two scanners?", "doesn't the dock charge two scanners?"),
])
def test_what_people_type_is_understood(typed, understood):
    assert normalise(typed) == understood


def test_typos_are_corrected_against_the_documents_words_and_shown():
    speller = Speller(["Sick days carry over to the next calendar year.", "The Zenkovich case."])
    plan = plan_question("do sikc days carrry over", speller)
    assert plan.searched == "do sick days carry over"
    assert [(c.typed, c.corrected) for c in plan.corrections] == [("sikc", "sick"), ("carrry", "carry")]
    assert plan.asked == "do sikc days carrry over"
    assert plan_question("Zenkowich?", speller).searched.startswith("Zenkovich")


def test_english_words_the_documents_lack_are_not_typos():
    """A question about contractors over a policy for employees asks about something the documents do
    not cover: correcting it to a word they have would answer the wrong question."""
    speller = Speller(["Employees may work from home two days a week. Contracts are signed yearly."])
    assert plan_question("Can contractors work from home?", speller).corrections == ()


def test_a_line_that_asks_two_questions_is_split():
    from qa.plan import split_questions

    assert split_questions("What is a Dock Pro and what does it cost in Europe?") == [
        "What is a Dock Pro?", "What does it cost in Europe?"]
    assert split_questions("Who was arrested in Moscow and why?") == ["Who was arrested in Moscow and why?"]
    assert split_questions("How many scanners do Ridgeline and Maasport have?") == [
        "How many scanners do Ridgeline and Maasport have?"]
    assert plan_question("Who leads firmware, and when did he join?").parts == ("Who leads firmware?",
                                                                               "When did he join?")


def test_the_parts_answers_are_combined_with_markers_renumbered():
    from qa.answer import Answer, Citation
    from qa.engine import combined, with_context

    first = Answer("Who leads firmware?", 'Felix Brandt\n\n"Felix Brandt leads firmware." [1]', True,
                   (Citation("team.md", 0, 28, "Felix Brandt leads firmware."),), (), "Felix Brandt", 0.9, 2.0)
    second = Answer("When did he join?", "The documents do not answer this question.", False, (), ())
    assert with_context("When did he join?", first) == "When did he join? (Felix Brandt)"
    assert with_context("When was 2.9.0 released?", first) == "When was 2.9.0 released?"
    both = combined("q", ["Who leads firmware?", "When did he join?"], [first, first])
    assert both.text.count("[1]") == 1 and both.text.count("[2]") == 1 and len(both.citations) == 2
    assert combined("q", ["a", "b"], [first, second]).answerable
    assert not combined("q", ["a", "b"], [second, second]).answerable


def test_a_stray_or_decomposed_accent_is_folded_not_edited_into_another_word():
    speller = Speller(["Police arrested two men outside the café."])
    # "arre" + a combining accent + "sted" is one word once composed, and it is "arrested" with an accent
    assert speller.correct("Who was arre\u0301sted?")[0] == "Who was arrested?"
    assert speller.correct("Who was arrésted?")[0] == "Who was arrested?"
    assert speller.correct("Was the cafe open?")[0] == "Was the café open?"
