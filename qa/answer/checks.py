"""The checks: does the chosen sentence answer *this* question? A table, `CHECKS`, in the
order they are asked; each finds a message or lets the sentence through.

A check either refuses (a name the documents never mention, a question off every document)
or weighs: its finding is a signal, a feature of the learned P(answer)
(`qa.answer.answerability`), that refuses on its own only when there is no reader.

A check is asked once per question, or once per term of the question (the per-term checks
next to each other are asked term by term, all of them for the first term, then the next).
The rule names are those of the README's ablation table and of an answer's debug `rules`;
waivers for broad questions are `qa.answer.broad.waived_rules`, applied by `qa.answer.decide`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from qa.answer.candidates import Candidate
from qa.answer.evidence import EvidenceWords, mentions_number
from qa.answer.facts import CorpusFacts
from qa.answer.question import QuestionInfo
from qa.answer.reading import overlap
from qa.answer.settings import EngineSettings
from qa.answer.spans import is_proper_name, name_spans
from qa.text import content_stems


@dataclass(frozen=True)
class Refusal:
    """A check that refused the chosen sentence, and why, in words for the user's log."""

    rule: str
    message: str


@dataclass
class Case:
    """What the checks look at: the question and the chosen sentence (with the reader's span
    in it, when read)."""

    info: QuestionInfo
    best: Candidate
    follow_up: bool  # a follow-up is judged with its conversation: fewer checks apply
    facts: CorpusFacts
    settings: EngineSettings
    scope: frozenset[str] | None = None  # the documents the caller may read (None: all)

    @cached_property
    def rivals(self) -> list[str]:
        """Real names in the quote that are none of the question's words, nor the reader's
        answer (shown or not)."""
        window, start, answer = self.best.text, self.best.start, self.best.reading
        question_stems = {t.stem for t in self.info.terms}
        return [window[a:b] for a, b in name_spans(window)
                if not content_stems(window[a:b]) & question_stems
                and is_proper_name(window[a:b], self.facts.proper_words)
                and not (answer is not None and overlap(start + a, start + b, answer))]

    @cached_property
    def quoted(self) -> EvidenceWords:
        """The quote's words, looked at only for a number."""
        return self.facts.matcher.evidence(self.best.text)


def _no_terms(case: Case) -> str | None:
    if not case.info.terms and not case.follow_up:
        return "the question has no words to look up"
    return None


def _unknown_name(case: Case, i: int) -> str | None:
    term = case.info.terms[i]
    if case.facts.checkable_entity(term) and not case.facts.named_in_scope(term.stem,
                                                                            case.scope):
        return f"'{term.text}' does not occur in the {case.facts.subject_of(case.scope)}"
    return None


def _antonym(case: Case) -> str | None:
    if case.follow_up:
        return None
    opposite = case.facts.antonyms.contradiction(case.info.corrected, case.best.text)
    if not opposite:
        return None
    return f"the question asks about '{opposite.asked}', the best passage says '{opposite.found}'"


def _number_in_quote(case: Case, i: int) -> str | None:
    term = case.info.terms[i]
    if not case.follow_up and term.norm.isdigit() and not mentions_number(term.norm, case.quoted):
        return f"the quoted sentence does not mention {term.text}"  # 1992 elsewhere in it
    return None


def _rival_name(case: Case, i: int) -> str | None:
    term, best = case.info.terms[i], case.best
    if (not case.follow_up and case.facts.checkable_entity(term) and best.matches[i] < 0.5
            and case.rivals and case.info.answer_type != "name"
            and not case.facts.implied_subject(term, case.rivals, best.paragraph.doc)):
        return f"the best sentence is about {case.rivals[0]}, not '{term.text}'"
    return None


def _answer_type(case: Case) -> str | None:
    if case.info.strict_type and not case.best.typed:
        kind = case.info.unit or case.info.answer_type
        return f"the best passage holds no {kind} for the question"
    return None


def _paragraph_coverage(case: Case) -> str | None:
    coverage = case.best.paragraph_coverage
    if (case.info.terms and not case.follow_up
            and coverage < case.settings.min_paragraph_coverage):
        return f"the question's terms are missing ({coverage:.2f})"
    return None


def _sentence_coverage(case: Case) -> str | None:
    coverage = case.best.sentence_coverage
    if case.info.terms and not case.follow_up and coverage < case.settings.min_sentence_coverage:
        return f"the sentence covers too little ({coverage:.2f})"
    return None


# Each check's validation figure (see the table; docs/answerability.md, "The decision"):
# a refusing check's questions it alone refuses, unanswerable : answerable, and the validation
# abstention at 7.5 % false abstention without it (refitted; shipped: 40.5 %, 2026-12-06 with
# the verifier); a signal's weight in P(answer) and the abstention without it.
VALIDATION = {
    "unknown-name": "alone 11 : 14; 42.6 % without (stays for names no document mentions)",
    "antonym": "weight -2.18; 39.1 % without",
    "number-in-quote": "weight -1.94; 37.4 % without",
    "rival-name": "alone 55 : 43; 46.1 % without (refuses the article's out-of-document "
                  "questions)",
    "answer-type": "alone 48 : 40; 45.1 % without (as rival-name)",
    "paragraph-coverage": "alone 1 : 3; 40.5 % without (kept for questions off every document)",
    "sentence-coverage": "alone 1 : 0; 40.4 % without (kept for questions off every document)",
}


@dataclass(frozen=True)
class Check:
    """One row of the table: asked of the question, or of each of its terms."""

    name: str
    tests: str
    validation: str
    weighs: bool  # True: a signal for the learned P(answer); False: it refuses
    question: Callable[[Case], str | None] | None = None
    term: Callable[[Case, int], str | None] | None = None


# name, what it tests, its validation figure, whether it weighs (else refuses), and the test
# (per question or per term). The validation set: 4,650 questions of 33 held-out squad-train
# articles, half real SQuAD 2.0 unanswerables. rival-name and answer-type would pay more as
# signals on SQuAD, whose unanswerable questions are written against the paragraph, but then
# the article's out-of-document questions were answered (tests/data/extra.jsonl abstention
# 85 % -> 50 %); they refuse.
CHECKS: tuple[Check, ...] = (
    Check("no-terms", "the question has words to look up",
          "a question with no word to look up cannot be answered", False, question=_no_terms),
    Check("unknown-name", "each name of the question occurs in the documents the caller may read",
          VALIDATION["unknown-name"], False, term=_unknown_name),
    Check("antonym", "the passage does not say the opposite of a word of the question",
          VALIDATION["antonym"], True, question=_antonym),
    Check("number-in-quote", "each number or year of the question is in the quote",
          VALIDATION["number-in-quote"], True, term=_number_in_quote),
    Check("rival-name", "the quote is not about another name instead of the question's",
          VALIDATION["rival-name"], False, term=_rival_name),
    Check("answer-type", "where only a number, date or person will do, the quote holds one",
          VALIDATION["answer-type"], False, question=_answer_type),
    Check("paragraph-coverage", "the paragraph covers enough of the question's terms",
          VALIDATION["paragraph-coverage"], False, question=_paragraph_coverage),
    Check("sentence-coverage", "the quote covers enough of the question's terms",
          VALIDATION["sentence-coverage"], False, question=_sentence_coverage),
)
SIGNALS = frozenset(c.name for c in CHECKS if c.weighs)


def refusals(case: Case, checks: tuple[Check, ...] = CHECKS) -> list[Refusal]:
    """Every refusal of the chosen sentence, strongest first: in the table's order, a run of
    per-term checks asked term by term."""
    found: list[Refusal] = []
    i = 0
    while i < len(checks):
        group = [checks[i]]  # one question check, or a run of per-term checks
        while (checks[i].term is not None and i + len(group) < len(checks)
               and checks[i + len(group)].term is not None):
            group.append(checks[i + len(group)])
        asks = ([(check, None) for check in group] if checks[i].term is None else
                [(check, t) for t in range(len(case.info.terms)) for check in group])
        for check, t in asks:
            message = _ask(check, case, t)
            if message:
                found.append(Refusal(check.name, message))
        i += len(group)
    return found


def _ask(check: Check, case: Case, term: int | None) -> str | None:
    if term is None:
        return check.question(case) if check.question else None
    return check.term(case, term) if check.term else None


__all__ = ["CHECKS", "SIGNALS", "Case", "Check", "Refusal", "refusals"]
