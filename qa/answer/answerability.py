"""Answerability: does the chosen sentence answer? One learned probability, then a cut.

The reader's margins, how well the quote covers the question, and the signals of the weighing
checks (`qa.answer.checks`: a negated question, an antonym, a number missing from the quote …,
each 0 or 1) are the features of one logistic regression (`qa.answer.decision`), fitted with
the cut on the validation articles by `scripts/calibrate.py`. A signal thus refuses nothing on
its own: it lowers P(answer) by the weight the validation questions gave it. Without a reader
(or an unread sentence) there is no probability, and the signals refuse as checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from qa.answer.candidates import Candidate, literal_coverage
from qa.answer.checks import Refusal
from qa.answer.decision import Decision, margins
from qa.answer.question import QuestionInfo
from qa.answer.reading import Reading

# The features besides the signals, in the order the manifest lists them.
FEATURES = ("margin", "paragraph_margin", "literal_coverage", "dense", "sentence_coverage",
            "paragraph_coverage", "typed", "span_words", "verifier")


def answer_features(best: Candidate, info: QuestionInfo, signals: Iterable[str],
                    margin: float | None = None) -> dict[str, float]:
    """What the decision weighs about the read sentence `best` (`margin`: instead of the
    reader's in the sentence, as for a list whose items follow it)."""
    read = best.reading
    assert read is not None, "only a read sentence has features"
    features = margins(read.margin if margin is None else margin, best.paragraph_margin)
    features.update(
        literal_coverage=literal_coverage(info.terms, best.matches), dense=best.dense,
        sentence_coverage=best.sentence_coverage, paragraph_coverage=best.paragraph_coverage,
        typed=float(bool(best.typed)),
        span_words=float(len(best.paragraph.text[read.start:read.end].split())))
    features.update({name: 1.0 for name in signals})
    return features


def reading_of(best: Candidate, features: dict[str, float], decision: Decision) -> Reading:
    """The reader's span in the chosen sentence with the decision's P(answer)."""
    read = best.reading
    assert read is not None
    return Reading(best.paragraph.text[read.start:read.end].strip(), read.margin,
                   best.paragraph_margin, decision.p_answer(features), decision.short_from)


def answerability_refusal(p_answer: float, signals: list[Refusal]) -> Refusal:
    """The refusal of a sentence whose P(answer) is under the cut, naming the strongest
    signal that lowered it."""
    because = f"; {signals[0].message}" if signals else ""
    return Refusal("answerability", "the reader finds no answer in the best passage "
                                    f"(P(answer) {p_answer:.2f}){because}")


__all__ = ["FEATURES", "answer_features", "answerability_refusal", "reading_of"]
