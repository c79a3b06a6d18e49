"""How an answer is chosen, in one place: kind → candidates → read → verdict → compose.

    kind        the question repaired, its terms weighed, its form read (`question`,
                `question_form`); a broad kind's form words made light (`broad`)
    candidates  every sentence of the retrieved paragraphs, scored (`candidates`)
    read        the reader nudges the close ones and reads the best (`reading`)
    verdict     the table of checks (`checks.CHECKS`) less a broad question's waivers: the
                refusing ones refuse, the weighing ones are signals that, with the reader's
                margins, make one learned P(answer) (`answerability`); below the cut it
                refuses. With the short answer, a typed `Verdict`
    compose     cited quotes or the refusal (`compose`); the `Draft` and its `debug` are
                built from the verdict
The weights and thresholds are `settings.EngineSettings`'; summaries, the page's own lines and
definitions are tried first, by `qa.pipeline`, which falls back to this.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from qa.answer.answerability import answer_features, answerability_refusal, reading_of
from qa.answer.broad import (
    GENERIC_SIDES,
    contrasts,
    enumeration,
    sides_of,
    waived_rules,
    weigh_form_words,
)
from qa.answer.candidates import Candidate, SentenceScorer, describe, literal_coverage
from qa.answer.checks import SIGNALS, Case, Refusal, refusals
from qa.answer.compose import (
    Composition,
    compose,
    refusal_text,
    typed_short_answer,
    with_other_side,
)
from qa.answer.conversation import is_follow_up
from qa.answer.draft import Draft
from qa.answer.facts import CorpusFacts
from qa.answer.question import QuestionAnalyser, QuestionInfo
from qa.answer.reading import (
    Reading,
    overlap,
    reader_question,
    weigh_with_reader,
    with_previous,
)
from qa.answer.settings import ENGINE_SETTINGS, EngineSettings
from qa.embedding import Embedder
from qa.reader import Reader
from qa.retrieval import Hit, Query
from qa.store.index import LoadedIndex
from qa.text import stem
from qa.types import Paragraph
from qa.verifier import Verifier

NOTHING_RETRIEVED = Refusal("nothing-retrieved", "nothing retrieved")


@dataclass(frozen=True)
class Verdict:
    """Whether the chosen sentence answers the question, and with what."""

    answered: bool
    refusal: Refusal | None       # the check that refused (the first, strongest), or None
    rules: tuple[str, ...]        # every check that refused, each once, strongest first
    best: Candidate | None        # the chosen sentence (None: nothing retrieved)
    reading: Reading | None       # the reader's span there and its P(answer), when read
    short: str | None             # the short answer, shown only when answered
    signals: tuple[str, ...] = ()  # the weighing checks that found something (see `checks`)
    features: dict[str, float] | None = None  # what P(answer) weighed, when read

    @property
    def p_answer(self) -> float | None:
        return None if self.reading is None else self.reading.p_answer


class Answerer:
    """Builds answers from retrieved paragraphs; built once per loaded index."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, reader: Reader | None = None,
                 settings: EngineSettings = ENGINE_SETTINGS,
                 verifier: Verifier | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.reader = reader
        self.verifier = verifier  # its logit is one more feature of P(answer)
        self.settings = settings
        self.facts = CorpusFacts(index)
        self.scorer = SentenceScorer(index, self.facts, embedder, settings)

    @property
    def analyser(self) -> QuestionAnalyser:
        return self.facts.analyser

    def answer(self, question: str, queries: list[Query], hits: list[Hit],
               vectors: np.ndarray, kind: str = "fact",
               scope: frozenset[str] | None = None) -> Draft:
        """Answer from the retrieved `hits` (`vectors`: the queries', the question's first),
        as the `kind` of question (`qa.answer.question_form`) wants, or refuse; `scope`, the
        documents the caller may read, is what the hits came from."""
        # kind: the question repaired and weighed, its form read, as its kind reads it
        info = self.analyser.analyse(question)
        if kind == "compare":  # two answers: the reader's doubt about one span says little
            info = replace(info, wants_list=True)
        info = replace(info, terms=weigh_form_words(kind, info.terms, question, self.settings))
        # candidates: every sentence of the hits (a comparison's contrasting paragraphs too)
        context = vectors[1] if len(vectors) > 1 and is_follow_up(question) else None
        if kind == "compare" and hits:
            hits = hits + self.scorer.contrast_hits(hits, vectors[0])
        candidates = self.scorer.candidates(info, hits, vectors[0], context, kind)
        # read: the reader nudges the close candidates
        if self.reader is not None and candidates:
            weigh_with_reader(self.reader, self.index,
                              reader_question(info, self.facts.long_forms), candidates,
                              self.settings, self.verifier, question)
        # verdict, then compose
        verdict = self.verdict(question, info, candidates, kind, context is not None, scope)
        composed = (self._compose(question, info, verdict, candidates, hits, kind)
                    if verdict.answered else None)
        return self._draft(info, verdict, composed, follow_up=context is not None,
                           subject=self.facts.subject_of(scope))

    def verdict(self, question: str, info: QuestionInfo, candidates: list[Candidate],
                kind: str, follow_up: bool, scope: frozenset[str] | None = None) -> Verdict:
        """Does the best candidate answer? The checks' refusals, less those a list's items or
        a broad question let off, and the short answer it would be given."""
        if not candidates:
            return Verdict(False, NOTHING_RETRIEVED, (), None, None, None)
        best, reader = candidates[0], self.reader
        found = refusals(Case(info, best, follow_up, self.facts, self.settings, scope))
        named = [(m, pm) for t, m, pm in zip(info.terms, best.matches, best.paragraph_matches,
                                             strict=True) if self.facts.checkable_entity(t)]
        sides = sides_of(question)
        contrasted = (kind == "compare" and bool(sides) and all(
            side in GENERIC_SIDES or self.analyser.family_in_corpus(stem(side))
            for side in sides) and self.facts.contrasts.sets_names_apart(best.text))
        waived = waived_rules(kind, named, contrasted)
        found = [r for r in found if r.rule not in waived]
        signals = [r for r in found if r.rule in SIGNALS]
        reading, features = None, None
        if reader is not None and best.reading is not None:  # the signals weigh, not refuse
            decision = reader.decision
            found = [r for r in found if r.rule not in SIGNALS]
            features = answer_features(best, info, [r.rule for r in signals])
            if self.verifier is not None:
                features["verifier"] = (best.verifier if best.verifier is not None else
                                        self.verifier.score(question, [with_previous(best)])[0])
            reading = reading_of(best, features, decision)
            if (not follow_up and reading.p_answer < decision.abstain_below
                    and not self._items_follow(kind, best, info, signals)):
                found.append(answerability_refusal(reading.p_answer, signals))
        if reader is not None:
            short = reading.short if reading is not None else None
            if short is not None and not _of_the_kind_asked(info, best):
                short = None  # a date or number asked: the bold span must be one of the quote's
        else:
            short = typed_short_answer(best, info)
        if kind == "list" and short is None:  # the items, in bold, where the sentence lists them
            short = enumeration(best.text)
        return Verdict(not found, found[0] if found else None,
                       tuple(dict.fromkeys(r.rule for r in found)), best, reading, short,
                       tuple(dict.fromkeys(r.rule for r in signals)), features)

    def _items_follow(self, kind: str, best: Candidate, info: QuestionInfo,
                      signals: list[Refusal]) -> bool:
        """A list whose items follow the sentence ("Which projects came out of the
        agreement?") is judged by the reader's best margin there or after it."""
        if kind != "list" or best.items_margin is None or self.reader is None:
            return False
        decision = self.reader.decision
        features = answer_features(best, info, [r.rule for r in signals], best.items_margin)
        return decision.p_answer(features) >= decision.abstain_below

    def _compose(self, question: str, info: QuestionInfo, verdict: Verdict,
                 candidates: list[Candidate], hits: list[Hit], kind: str) -> Composition:
        """The quotes of an answered question: a list's quoted as a list (but doubted as
        asked), a comparison's with the other side when its quotes set nothing apart."""
        assert verdict.best is not None
        items = replace(info, wants_list=True) if kind == "list" else info
        composed = compose(items, verdict.best, candidates, hits, verdict.short, self.settings)
        if kind == "compare" and sides_of(question) and not contrasts(composed.answer):
            composed = with_other_side(composed, verdict.best, candidates, hits,
                                       self._paragraph, self.settings)
        return composed

    def _draft(self, info: QuestionInfo, verdict: Verdict, composed: Composition | None,
               follow_up: bool, subject: str) -> Draft:
        """The answer record; its `debug` keys are those `qa eval --details`,
        `qa.eval.squad` and scripts/calibrate.py read."""
        debug: dict[str, Any] = {"type": info.answer_type, "strict_type": info.strict_type,
                                 "corrected": info.corrected,
                                 "terms": [(t.norm, round(t.weight, 2), t.entity)
                                           for t in info.terms]}
        best = verdict.best
        if best is not None:
            debug["best"] = describe(best)
            debug["best_quote"] = best.text
            # what the reader's doubt rule looks at, for choosing its settings from a dump
            debug["literal_coverage"] = round(literal_coverage(info.terms, best.matches), 3)
            debug["doubt_applies"] = not info.wants_list and not follow_up
            debug["rules"] = list(verdict.rules)
            debug["signals"] = list(verdict.signals)
        reading = verdict.reading
        if reading is not None:
            debug["reader"] = {"span": reading.span, "margin": round(reading.margin, 3),
                               "paragraph_margin": None if reading.paragraph_margin is None
                               else round(reading.paragraph_margin, 3),
                               "p_answer": round(reading.p_answer, 4)}
        if verdict.features is not None:  # what scripts/calibrate.py fits the decision on
            debug["features"] = {k: round(v, 4) for k, v in verdict.features.items()}
        if not verdict.answered or composed is None:
            assert verdict.refusal is not None
            if best is not None:
                debug["short_if_answered"] = verdict.short  # for scripts/calibrate.py
            debug["abstain"] = verdict.refusal.message
            return Draft(refusal_text(subject), True, (), None, debug)
        debug["quotes"] = composed.quotes
        if composed.other_side is not None:
            debug["other_side"] = composed.other_side
        return Draft(composed.answer, False, composed.citations, verdict.short, debug)

    def _paragraph(self, anchor: str) -> Paragraph:
        found = self.index.paragraph_at(anchor)
        assert found is not None, f"{anchor} is a quoted paragraph of this index"
        return found


def _of_the_kind_asked(info: QuestionInfo, best: Candidate) -> bool:
    """The reader's span is the date or number asked for, when the quote holds one (it was
    the "reader-type" refusal until 2026-12-06, 17 : 18 on the validation set as a refusal;
    as a rule on what is put in bold it costs no answer)."""
    read = best.reading
    strict = info.strict_type and info.answer_type in ("date", "number")
    return not (strict and read is not None and best.typed
                and not any(overlap(a, b, read) for a, b in best.typed))


__all__ = ["NOTHING_RETRIEVED", "Answerer", "Verdict"]
