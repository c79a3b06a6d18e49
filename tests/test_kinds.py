"""The kind of a question, from its form: a table of examples, about the article and not."""

from __future__ import annotations

import pytest

from qa.answer.question_form import question_kind

EXAMPLES = [
    # summary / overview, also of one part
    ("Summarize the article", "summary", ""),
    ("Summarize the documents.", "summary", ""),
    ("Summarize all these documents", "summary", ""),
    ("Give me an overview of the article.", "summary", ""),
    ("What are the key points?", "summary", ""),
    ("tl;dr please", "summary", ""),
    ("TL;DR", "summary", ""),
    ("What is this article about?", "summary", ""),
    ("what's the gist of the text?", "summary", ""),
    ("Main takeaways?", "summary", ""),
    ("Can you summarize this?", "summary", ""),
    ("Give me the highlights", "summary", ""),
    ("What's this explainer about?", "summary", ""),
    ("What is the agreement about?", "fact", ""),
    ("Summarise this document for me.", "summary", ""),
    ("Summarize the section about talent.", "summary", "talent"),
    ("Can you summarize the part on Modi's visit to Japan?", "summary", "Modi's visit to Japan"),
    ("Give me a summary of the history of the guild", "summary", "history of the guild"),
    ("What does the report say about soil erosion?", "summary", "soil erosion"),
    # about the page
    ("Who is the author?", "meta", "author"),
    ("Who wrote this article?", "meta", "author"),
    ("Where does the author work?", "meta", "author"),
    ("What related articles are linked?", "meta", "links"),
    ("What does the photo show?", "meta", "caption"),
    ("What is in the picture?", "meta", "caption"),
    # definitions and acronyms
    ("What is OSAT?", "definition", "OSAT"),
    ("What does SIR stand for?", "definition", "SIR"),
    ("What does the acronym NASA stand for?", "definition", "NASA"),
    ("What is the India Semiconductor Mission?", "definition", "India Semiconductor Mission"),
    ("what's a bee bole", "definition", "bee bole"),
    ("Define photosynthesis", "definition", "photosynthesis"),
    ("Who is Varuna Shankar?", "definition", "Varuna Shankar"),
    # why / how / role
    ("Why does Japan want Indian talent?", "why", ""),
    ("What is the reason for the shortage?", "why", ""),
    ("How does the cooling loop work?", "how", ""),
    ("How will Tamil Nadu benefit?", "how", ""),
    ("What role does China play?", "role", ""),
    ("What is the role of the guild?", "role", ""),
    ("How is Taiwan involved?", "role", ""),
    ("What's the relationship between CG Power and Renesas?", "role", ""),
    # comparisons, each side
    ("What does each country bring?", "compare", ""),
    ("What does Japan offer and what does India offer?", "compare", ""),
    ("How did investments change from 2017–2020 to 2021–2024?", "compare", ""),
    ("Compare oak and pine as firewood", "compare", ""),
    ("What is the difference between a fab and an OSAT?", "compare", ""),
    # lists
    ("Which critical minerals and sectors does the partnership focus on?", "list", ""),
    ("Name the priority areas", "list", ""),
    ("List the projects.", "list", ""),
    ("What are the stages of the process?", "list", ""),
    ("What are the priority areas?", "list", ""),
    # plain facts stay facts, whatever words of other kinds they hold (SQuAD questions)
    ("Who was given the highlights of most of the matches?", "fact", ""),
    ("Does BSkyB carry any control over the picture quality of a channel?", "fact", ""),
    ("What author is best known for his book The Metaphysical Club?", "fact", ""),
    ("How are the client and subcontractor linked?", "role", ""),
    ("What was Sky Travel later rebranded as?", "fact", ""),
    ("What is available as stand-alone DVB CAMs?", "fact", ""),
    ("Who was Robert's son?", "fact", ""),
    ("Who was the hostage?", "fact", ""),
    ("How small was the audience BSkyB said they couldn't reach?", "fact", ""),
    ("How much does Japan plan to invest to enhance business ties with India?", "fact", ""),
    ("When did the relationship between the two firms begin?", "fact", ""),
    ("How much will Japan invest?", "fact", ""),
    ("How many engineers graduate each year?", "fact", ""),
    ("When did Modi visit Japan?", "fact", ""),
    ("Who is the Indian partner of TEL?", "fact", ""),
    ("Who was the author of the Magna Carta?", "fact", ""),
    ("What is the capital of France?", "fact", ""),
    ("What is Sony's share price?", "fact", ""),
    ("What percentage of semiconductor materials does Japan supply?", "fact", ""),
]


@pytest.mark.parametrize(("question", "kind", "topic"), EXAMPLES)
def test_kind_of_question(question: str, kind: str, topic: str) -> None:
    found = question_kind(question)
    assert (found.name, found.topic) == (kind, topic)
