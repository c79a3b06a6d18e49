"""Follow-up questions: add the conversation's recent turns as lower-weight search queries.

"What did that tour reaffirm?" means nothing alone; searched together with the previous
question and answer, it finds the paragraph about the tour. A self-contained question is
searched mostly on its own words.
"""

from __future__ import annotations

import re

from qa.retrieval import Query

_REFERRING = re.compile(
    r"\b(?:it|its|they|them|their|this|that|these|those|he|him|his|she|her|there|then|"
    r"the same|such|former|latter|above|previous|earlier|also|again|else|more|other)\b",
    re.IGNORECASE)


def is_follow_up(question: str) -> bool:
    """Does the question lean on the conversation (a pronoun, 'that tour', very short)?"""
    return bool(_REFERRING.search(question)) or len(question.split()) <= 3


def contextual_queries(question: str, history: list[list[str]]) -> list[Query]:
    """The question first (weight 1), then context from the last turn when it refers back."""
    queries = [Query(question, 1.0)]
    if not history:
        return queries
    user, assistant = history[-1]
    weight = 0.8 if is_follow_up(question) else 0.25
    context = f"{user} {_strip_markup(assistant)[:400]} {question}".strip()
    queries.append(Query(context, weight))
    return queries


def _strip_markup(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\[\d+\]|[*_`#>]", " ", text)
    return re.sub(r"\s+", " ", text).strip()
