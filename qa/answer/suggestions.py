"""Suggested questions for one document, made from its own text: a summary, its headings
(a heading that is a question is asked as written, another becomes "Summarize the part
about …"), an acronym it spells out, the name it mentions most, and its byline.

For the UI to show under the question box, per document; pure text work (no model, no
index), a few milliseconds. It does not check that the engine answers them: every kind of
question it makes is one `qa.answer.question_form` recognises, and `tests/test_chat_kinds.py`
asks them.
"""

from __future__ import annotations

import re
from collections import Counter

from qa.answer.definitions import defined_acronyms
from qa.text import content_stems, family_roots
from qa.types import Document, Paragraph

MAX_SUGGESTIONS = 4
MAX_HEADING_WORDS = 8
MIN_MENTIONS = 2  # a name mentioned once is a detail, not what the document is about
# Headings of a page's furniture, not of its content.
_FURNITURE = re.compile(r"^(?:related|see also|further reading|read more|references|notes|"
                        r"contents|table of contents|links|sources|about the author)\b",
                        re.IGNORECASE)
_QUESTION_WORD = re.compile(r"^(?:what|why|how|who|which|when|where|is|are|do|does|can|will|"
                            r"should)\b", re.IGNORECASE)
_NAME = re.compile(r"(?<=[\w,;)] )(?:[A-Z][\w’'&-]*)(?: (?:of |and |the )?[A-Z][\w’'&-]*)*")


def suggested_questions(document: Document, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Up to `limit` questions this document answers, the summary first."""
    paragraphs = list(document.paragraphs)
    word = "article" if any(p.role == "byline" for p in paragraphs) else "document"
    questions = [f"Summarize the {word}."]
    headings = _content_headings(paragraphs, document.title)
    asked = next((h for h in headings if h.endswith("?") and _QUESTION_WORD.match(h)), None)
    if asked:
        questions.append(asked)
    plain = [h for h in headings if not h.endswith("?") and not _QUESTION_WORD.match(h)]
    if plain:
        questions.append(f"Summarize the part about {plain[0]}.")
    acronyms = defined_acronyms(paragraphs)
    if acronyms:
        questions.append(f"What does {acronyms[0]} stand for?")
    name = _most_mentioned(paragraphs, document.title, set(acronyms))
    if name:
        questions.append(f"What role does {name} play?")
    if any(p.role == "byline" for p in paragraphs):
        questions.append(f"Who wrote the {word}?")
    if len(plain) > 1:
        questions.append(f"Summarize the part about {plain[1]}.")
    return list(dict.fromkeys(questions))[:limit]


def _content_headings(paragraphs: list[Paragraph], title: str) -> list[str]:
    """Section headings with body text under them, in order, not the title nor furniture."""
    with_body = {p.section for p in paragraphs if p.role == "body" and p.section}
    return [p.text.rstrip(":") for p in paragraphs
            if p.role == "heading" and p.text in with_body and p.text != title
            and not _FURNITURE.match(p.text) and len(p.text.split()) <= MAX_HEADING_WORDS]


def _roots(text: str) -> set[str]:
    """Word-family roots of the text's content words ("Japanese" → "japan")."""
    return {root for s in content_stems(text) for root in family_roots(s)}


def _most_mentioned(paragraphs: list[Paragraph], title: str, skip: set[str]) -> str:
    """The name (capitalised words inside a sentence) the body mentions most, at least
    twice, not one of the title's families ("Japanese" for "Japan") nor written in
    capitals ("INR"); ties go to the earlier."""
    title_roots = _roots(title)
    counts: Counter[str] = Counter()
    for paragraph in paragraphs:
        if paragraph.role != "body":
            continue
        for sentence in paragraph.sentences:
            for match in _NAME.finditer(sentence.text):
                name = re.sub(r"['’]s$", "", match.group())
                if (name in skip or name.isupper() or _roots(name) & title_roots
                        or len(name) < 3):
                    continue
                counts[name] += 1
    best = counts.most_common(1)
    return best[0][0] if best and best[0][1] >= MIN_MENTIONS else ""


__all__ = ["suggested_questions"]
