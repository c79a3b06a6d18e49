"""What a document says a thing *is*: an acronym's expansion ("outsourced semiconductor
assembly and test (OSAT)"), an appositive ("TEL Miyagi, a key player in …") or a copula
("Dholera is a …"). The sentence is quoted whole and the short answer put in bold.

Returns None when no sentence defines the term; the question is then answered (or refused)
from retrieval like a why/how question. This module never writes a definition of its own.
"""

from __future__ import annotations

import re

from qa.answer.citations import CitationList, Quote
from qa.answer.draft import Draft
from qa.answer.evidence import find_long_forms
from qa.answer.question import is_acronym
from qa.types import Paragraph, Sentence

_ACRONYM_IN_BRACKETS = re.compile(r"\(([A-Z][A-Za-z]*[A-Z])\)")
_LINKING = {"and", "of", "for", "the", "in", "on", "to", "&", "de", "du", "la"}
_APPOSITIVE = re.compile(r"^\)?(?: \([^)]{1,60}\))?,\s+((?:an?|the|one of|which is|who is|"
                         r"known as)\s+[^,;:()]{3,120}?)(?=[,;:.]|\s+(?:that|which|who)\b|$)")
_COPULA = re.compile(r"^\)?(?: \([^)]{1,60}\))?\s+(?:is|are|was|were|refers to|means|"
                     r"stands for|describes)\s+([^;:()]{3,160}?)(?=[,;:.](?:\s|$)|$)")


def define(paragraphs: list[Paragraph], term: str, subject: str) -> Draft | None:
    """The document's own definition of `term`, quoted and cited, or None."""
    term = re.sub(r"^(?:the|a|an)\s+", "", term.strip(), flags=re.IGNORECASE)
    if not term:
        return None
    found = (_expansion(paragraphs, term) if is_acronym(term.split()[0]) else None) \
        or _described(paragraphs, term)
    if found is None:
        return None
    paragraph, sentence, short = found
    citations = CitationList({paragraph.anchor})
    quote = Quote(paragraph, sentence.start, sentence.end)
    answer = f"**{short}** — “{quote.text}” [{citations.cite(quote)}]"
    return Draft(answer, False, citations.citations, short,
                 {"kind": "definition", "term": term, "subject": subject})


def defined_acronyms(paragraphs: list[Paragraph]) -> list[str]:
    """The acronyms the paragraphs spell out, "… assembly and test (OSAT)", in order."""
    found: list[str] = []
    for paragraph in paragraphs:
        for match in _ACRONYM_IN_BRACKETS.finditer(paragraph.text):
            acronym = match.group(1)
            letters = "".join(ch for ch in acronym if ch.isupper())
            if _spelled_out(paragraph.text[:match.start()], letters):
                found.append(acronym)
    return list(dict.fromkeys(found))


def _expansion(paragraphs: list[Paragraph], acronym: str
               ) -> tuple[Paragraph, Sentence, str] | None:
    """The words whose initials spell the acronym, right before "(ACRONYM"."""
    letters = "".join(ch for ch in acronym if ch.isupper())
    marker = re.compile(rf"\(\s*{re.escape(acronym)}\b")
    for paragraph in paragraphs:
        for sentence in paragraph.sentences:
            match = marker.search(sentence.text)
            if not match:
                continue
            short = _spelled_out(sentence.text[:match.start()], letters)
            if not short:
                long_forms = find_long_forms([sentence.text])
                short = long_forms.get(acronym.split()[0], "")
            if short:
                return paragraph, sentence, short
    return None


def _spelled_out(before: str, letters: str) -> str:
    """The last words of `before` whose initials are `letters`; a linking word ("and",
    "of") may be skipped or, as in "coefficient of performance (COP)", be a letter."""
    words = list(re.finditer(r"[\w'’-]+", before))[-3 * len(letters):]

    def start(w: int, i: int) -> int | None:  # words[..w] spell letters[..i]: first offset
        if i < 0:
            return words[w + 1].start()
        if w < 0:
            return None
        text = words[w].group()
        if text[0].upper() == letters[i]:
            found = start(w - 1, i - 1)
            if found is not None:
                return found
        if i < len(letters) - 1 and text.lower() in _LINKING:
            return start(w - 1, i)
        return None

    found = start(len(words) - 1, len(letters) - 1) if letters else None
    return before[found:].strip() if found is not None else ""


def _described(paragraphs: list[Paragraph], term: str
               ) -> tuple[Paragraph, Sentence, str] | None:
    """The first sentence that says what the term is: an appositive ("X, a …") anywhere, or
    "X is …" with X as the sentence's subject."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)
    for paragraph in paragraphs:
        if paragraph.role not in ("body", "list_item"):
            continue
        for sentence in paragraph.sentences:
            for match in pattern.finditer(sentence.text):
                rest = sentence.text[match.end():]
                opens = sentence.text[:match.start()].strip().lower() in ("", "the", "a", "an")
                said = _APPOSITIVE.match(rest) or (_COPULA.match(rest) if opens else None)
                if said and not re.match(r"(?:also|not|still|now|\w+ing|\w+ed)\b",
                                         said.group(1)):
                    return paragraph, sentence, said.group(1).strip()
    return None


__all__ = ["defined_acronyms", "define"]
