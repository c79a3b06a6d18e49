"""Compose: the answer text of an answered question, every claim a verbatim cited quote.

The chosen sentence (with the one after it when that one carries it on), for a list its close
runners-up and the enumeration that follows it, for a comparison that sets nothing against
anything the best sentence that does; the short answer in bold first. Also the short answer
without a reader (the typed span nearest the question's words) and the words of a refusal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from qa.answer.broad import contrasts
from qa.answer.candidates import Candidate
from qa.answer.citations import CitationList, Quote
from qa.answer.question import QuestionInfo
from qa.answer.quoting import connects_back
from qa.answer.settings import EngineSettings
from qa.retrieval import Hit
from qa.text import content_stems
from qa.types import Citation, Paragraph

_ENUMERATION = re.compile(r"^(?:one|another|the other|finally|first(?:ly)?|second(?:ly)?|"
                         r"third(?:ly)?|lastly|next|also|additionally|in addition|moreover|"
                         r"furthermore|other)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Composition:
    """Answer text with [n] markers, its citations, and where its quotes are (for debug)."""

    answer: str
    citations: tuple[Citation, ...]
    quotes: list[str] = field(default_factory=list)  # "anchor:start-end" of each quote
    other_side: str | None = None  # the quote added to a comparison, likewise


def compose(info: QuestionInfo, best: Candidate, candidates: list[Candidate], hits: list[Hit],
            short: str | None, settings: EngineSettings) -> Composition:
    """Quote the best sentence, and close runners-up as further items of a list."""
    spans = [_Span(best.paragraph, best.start, best.end)]
    for other in candidates[1:]:
        if other.score < settings.runner_up_ratio * best.score:
            break
        continues = (other.paragraph.anchor == best.paragraph.anchor
                     and other.index == best.index + 1 and other.start < best.end)
        if continues:  # "It leads in …" right after the best sentence carries it on
            spans[0].end = max(spans[0].end, other.end)
        elif info.wants_list and other.sentence_coverage >= settings.list_item_coverage:
            joined = next((span for span in spans if span.touches(other)), None)
            if joined:
                joined.start, joined.end = (min(joined.start, other.start),
                                            max(joined.end, other.end))
            elif len(spans) < settings.max_quotes:
                spans.append(_Span(other.paragraph, other.start, other.end))
    if info.wants_list:
        _extend_through_enumeration(spans[0], settings.max_enumeration)
    citations = CitationList({h.paragraph.anchor for h in hits})
    parts = []
    for span in spans:
        quote = Quote(span.paragraph, span.start, span.end)
        parts.append(f"“{quote.text}” [{citations.cite(quote)}]")
    body = "\n\n".join(parts)
    answer = f"**{short}** — {body}" if short else body
    return Composition(answer, citations.citations,
                       [f"{span.paragraph.anchor}:{span.start}-{span.end}" for span in spans])


def with_other_side(composed: Composition, best: Candidate, candidates: list[Candidate],
                    hits: list[Hit], paragraph: Callable[[str], Paragraph],
                    settings: EngineSettings) -> Composition:
    """A comparison whose quotes set nothing against each other: add the best sentence
    that does ("…, while …"), when it scores close enough, as a further quote.
    `paragraph` finds a paragraph by its anchor."""
    other = next((c for c in candidates if contrasts(c.text)
                  and c.score >= settings.other_side_ratio * best.score), None)
    if other is None:
        return composed
    citations = CitationList({h.paragraph.anchor for h in hits})
    for citation in composed.citations:
        citations.cite(Quote(best.paragraph if citation.anchor == best.paragraph.anchor
                             else paragraph(citation.anchor), citation.start, citation.end))
    quote = Quote(other.paragraph, other.start, other.end)
    answer = f"{composed.answer}\n\n“{quote.text}” [{citations.cite(quote)}]"
    return Composition(answer, citations.citations, composed.quotes,
                       f"{other.paragraph.anchor}:{other.start}-{other.end}")


def typed_short_answer(candidate: Candidate, info: QuestionInfo) -> str | None:
    """Without a reader: the typed span nearest to the question's words in the quoted window,
    if the type asks."""
    if not candidate.typed:
        return None
    text = candidate.paragraph.text
    stems = {t.stem for t in info.terms}
    anchors = [m.start() for m in re.finditer(r"\w+", text[candidate.start:candidate.end])
               if content_stems(m.group()) & stems]

    def distance(span: tuple[int, int]) -> float:
        if not anchors:
            return 0.0
        middle = (span[0] + span[1]) / 2 - candidate.start
        return min(abs(middle - a) for a in anchors)

    fits = candidate.span_fit or [0.0] * len(candidate.typed)
    ranked = sorted(zip(candidate.typed, fits, strict=True),
                    key=lambda pair: (-round(pair[1], 1), distance(pair[0])))
    start, end = ranked[0][0]
    return text[start:end]


def refusal_text(subject: str) -> str:
    """What a refused question is told (`subject`: "article" or "documents")."""
    verb = "do" if subject.endswith("s") else "does"
    return (f"The {subject} {verb} not say. I found no passage that answers this "
            f"question, so there is nothing to cite.")


def _extend_through_enumeration(span: _Span, max_items: int) -> None:
    """For a list question, carry the quote on through "One is … Another is … Finally …",
    also past one bridging sentence ("These efforts led to specific projects.")."""
    following = [s for s in span.paragraph.sentences if s.start >= span.end]
    items = [bool(_ENUMERATION.match(s.text)) for s in following]
    start = 0
    if following and not items[0] and connects_back(following[0].text):
        start = 1  # a bridge counts only when an enumeration follows it
    if start >= len(items) or not items[start]:
        return
    for sentence, is_item in list(zip(following, items, strict=True))[:start + max_items]:
        if not is_item and sentence is not following[0]:
            break
        span.end = sentence.end


@dataclass
class _Span:
    """A quote being assembled: a character range of one paragraph."""

    paragraph: Paragraph
    start: int
    end: int

    def touches(self, other: Candidate) -> bool:
        """Same paragraph, and overlapping or directly adjacent."""
        if self.paragraph.anchor != other.paragraph.anchor:
            return False
        gap = self.paragraph.text[min(self.end, other.end):max(self.start, other.start)]
        return other.start <= self.end and self.start <= other.end or not gap.strip()


__all__ = ["Composition", "compose", "refusal_text", "typed_short_answer", "with_other_side"]
