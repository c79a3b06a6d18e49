"""Read: the trained reader (`qa.reader`) weighs the candidates and reads the chosen one.

The sentences close enough to the top to be overtaken, in the best few paragraphs, are read
(one forward pass a paragraph) and gain up to `w_reader` · sigmoid(margin / `reader_scale`):
the reader's belief that the sentence holds the answer. For the chosen sentence, the reader's
span and the calibrated P(answer) (`qa.answer.answerability`) are kept as a `Reading`: the
span is the short answer when P(answer) is high enough. With `w_verifier`, the sentence
verifier's belief (`qa.verifier`) weighs in the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qa.answer.candidates import Candidate
from qa.answer.evidence import spell_out_acronyms
from qa.answer.question import QuestionInfo
from qa.answer.settings import EngineSettings
from qa.reader import Reader, ReadSpan
from qa.store.index import LoadedIndex
from qa.verifier import Verifier


@dataclass(frozen=True)
class Reading:
    """The reader's answer inside the chosen sentence (the sentence before, quoted for context,
    is read but not answered from): its text, margins over "no answer", and P(answer)."""

    span: str
    margin: float
    paragraph_margin: float | None
    p_answer: float
    short_from: float  # the P(answer) from which the span is shown (the reader's manifest)

    @property
    def short(self) -> str | None:
        """The span as the short answer, when the reader is sure enough; else None (the quote
        stands alone)."""
        return self.span if self.span and self.p_answer >= self.short_from else None


def weigh_with_reader(reader: Reader, index: LoadedIndex, question: str,
                      candidates: list[Candidate], settings: EngineSettings,
                      verifier: Verifier | None = None, asked: str = "") -> None:
    """Let the reader's margin (and, with `settings.w_verifier`, the verifier's logit for the
    question `asked`) nudge the ranking (see the module docstring); re-sorts the candidates
    by `rank_score`."""
    near = [c for c in candidates if c.score >= candidates[0].score - settings.w_reader]
    rows = list(dict.fromkeys(c.hit.row for c in near))[:settings.max_read_paragraphs]
    paragraphs = [index.paragraphs[row] for row in rows]
    readings = reader.read_windows(
        question, [p.text for p in paragraphs],
        [[(s.start, s.end) for s in p.sentences] for p in paragraphs])
    by_sentence = {(row, j): span for row, spans in zip(rows, readings, strict=True)
                   for j, span in enumerate(spans)}
    for candidate in near:
        candidate.reading = by_sentence.get((candidate.hit.row, candidate.index))
        after = [span.margin for (row, j), span in by_sentence.items()
                 if row == candidate.hit.row and j >= candidate.index and span is not None]
        candidate.items_margin = max(after, default=None)
        candidate.paragraph_margin = max(
            (span.margin for (row, _), span in by_sentence.items()
             if row == candidate.hit.row and span is not None), default=None)
        if candidate.reading is not None:
            candidate.reader_bonus = settings.w_reader * _sigmoid(
                candidate.reading.margin / settings.reader_scale)
    if verifier is not None and settings.w_verifier:
        for candidate, logit in zip(near, verifier.score(asked, [
                with_previous(c) for c in near]), strict=True):
            candidate.verifier = logit
            candidate.reader_bonus += settings.w_verifier * _sigmoid(logit)
    candidates.sort(key=lambda c: -c.rank_score)


def with_previous(candidate: Candidate) -> tuple[str, str]:
    """(the sentence before the quote, the quote): what the verifier reads."""
    sentences = candidate.paragraph.sentences
    at = next((i for i, s in enumerate(sentences) if s.start <= candidate.start < s.end), None)
    return (sentences[at - 1].text if at else "", candidate.text)


def reader_question(info: QuestionInfo, long_forms: dict[str, str]) -> str:
    """The question as the reader gets it: typos repaired, and an acronym the documents
    define spelled out ("TEL" → "Tokyo Electron Miyagi Ltd (TEL)"), for the reader cannot
    know that the passage's "Tokyo Electron" is the question's "TEL"."""
    return spell_out_acronyms(info.corrected, long_forms)


def overlap(start: int, end: int, span: ReadSpan) -> bool:
    """The paragraph characters start:end share at least one with the reader's span."""
    return start < span.end and span.start < end


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


__all__ = ["Reading", "overlap", "reader_question", "weigh_with_reader"]
