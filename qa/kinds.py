"""What kind of answer a question wants: summary, definition, why, how, role, compare, list,
meta (about the page: author, links, caption) or fact.

A few patterns over the *forms* of questions ("Summarize …", "What does X stand for?", "What
role does X play?"), never over a document's words; the table of examples that pins them down
is `tests/test_kinds.py`. The kind decides how an answer is composed (`qa.pipeline`); it does
not decide whether the document answers — that stays with retrieval and the checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("summary", "meta", "definition", "role", "compare", "why", "how", "list", "fact")

_DOC = (r"(?:(?:article|document|doc|text|piece|page|story|paper|report|post|essay|file|"
        r"explainer|guide|note|chapter)s?|stories|it)")
_SUMMARY = re.compile(
    rf"\b(?:summar(?:y|ies|ise|ize|ised|ized)|sum (?:it )?up|overview|tl\W?dr|gist|recap|"
    rf"in a nutshell|in brief|big picture|outline|"
    rf"(?:key|main|central|major|important) (?:points?|takeaways?|ideas?|messages?|themes?|"
    rf"arguments?|findings|topics?|highlights)|takeaways|"
    rf"highlights\b(?! of (?!(?:this|the) {_DOC}))|"
    rf"what(?:'s| is| was) (?:this|the) {_DOC} (?:about|saying|arguing)|"
    rf"what (?:is|was) (?:it|this) about|what(?:'s| is| was) this [\w-]+ about$|"
    rf"what does (?:this|the) {_DOC} (?:say|cover|discuss|argue|tell (?:me|us))\W*$|"
    rf"what does (?:this|the) {_DOC} say about)\b", re.IGNORECASE)
# The part of a document a summary is asked for: "the part about talent", else "summary of X".
_TOPIC = [re.compile(
    r"\b(?:part|section|bit|portion|paragraph|passage|chapter)s? (?:about|on|regarding|"
    r"concerning|covering|dealing with|that (?:discusses|covers|talks about))\s+(.+)",
    re.IGNORECASE), re.compile(
    r"\b(?:says? about|summary of|overview of|summar(?:ise|ize)|key points (?:about|on|of)|"
    r"sum up)\s+(.+)", re.IGNORECASE)]
_WHOLE = re.compile(rf"^(?:(?:all )?(?:the |this |that |these |those |a )?(?:whole |entire )?"
                    rf"(?:{_DOC}|for me|please|it all|everything)\b|"
                    rf"(?:this|that|these|them|all)\W*$)", re.IGNORECASE)

_AUTHOR = re.compile(
    rf"\b(?:the|this|its) (?:author|writer)s?\b(?!'?s? of (?!(?:this|the) {_DOC}))|"
    rf"\bwho (?:wrote|authored|penned) (?:it|this|the {_DOC})\b|\bbyline\b|"
    rf"\bwho(?:'s| is| was) (?:it|this|the {_DOC}) (?:written )?by\b", re.IGNORECASE)
_LINKS = re.compile(
    r"\brelated (?:articles?|links?|stories|reading|posts|pieces|content)\b|\bfurther reading\b|"
    r"\bsee also\b|\bread more\b|\blinks? (?:are|is|at|in|does|do|to other|listed|given)\b|"
    r"\b(?:what|which|any) (?:other )?(?:links|articles|stories)\b|"
    r"\blinked (?:articles|stories|pages)\b|\b(?:articles|stories|pages) (?:are )?linked\b",
    re.IGNORECASE)
_CAPTION = re.compile(r"\b(?:the|this|that|its) (?:photo(?:graph)?|picture|image|caption|"
                      r"illustration)s?\b(?! quality)|\bpictured\b", re.IGNORECASE)

# "Who was given the highlights …?": a summary word inside a question for a fact.
_ASKS_FOR_A_SPAN = re.compile(r"^(?:who|whom|whose|when|where|which|how (?:many|much|long|old))\b",
                              re.IGNORECASE)
# A number, a date or a place is asked for, whatever other words the question holds.
_ASKS_FOR_A_FACT = re.compile(r"^(?:when|where|what year|how (?:many|much|long|old|far|often))\b",
                              re.IGNORECASE)
_DEFINITION = [
    re.compile(r"^what (?:does|do|did) (?:the (?:acronym |abbreviation )?)?(.+?) "
               r"(?:stand for|mean|refer to)\b", re.IGNORECASE),
    re.compile(r"^(?:define|definition of|meaning of|explain the term|"
               r"what is meant by|what'?s meant by) (?:the )?(.+?)$", re.IGNORECASE),
    re.compile(r"^(?:what|who)(?: is|'s| are| was| were) (?:an? |the )?(.+?)$", re.IGNORECASE),
]
MAX_DEFINED_WORDS = 5  # "What is the capital of the country that …" is a fact question
_NOT_DEFINED = re.compile(r"\b(?:amount|number|percentage|share|total|size|"
                          r"name|date|year|reason|purpose|role|difference|capital|cost|price|"
                          r"value|rate|population|goal|aim|plan|status|result|outcome|"
                          r"relationship|connection|biggest|largest|smallest|best|most|least|"
                          r"first|last|main|only|available|later|used|using)\b|\b[a-z]+ed\b|"
                          r"\b(?:of|in|for|by|from|with|to|on|about|as|at|that|"
                          r"which|who|when|where|did|does|do|has|have|will|can)\b",
                          re.IGNORECASE)

_ROLE = re.compile(
    r"\b(?:what|which) (?:\w+ )?(?:role|part|function|position|place)s? (?:does|do|did|is|are|"
    r"was|were|will|has|have|can|could|would|should)\b|\broles? of\b|'s? roles?\b|"
    r"\bhow (?:is|are|was|were|does|do|did) (.+?) (?:involved|connected|related|fit|linked|"
    r"come in)\b|\binvolvement\b|\b(?:relationship|relation|connection|link) "
    r"(?:between|of|to|with)\b|\bwhat does (.+?) do\b", re.IGNORECASE)
_COMPARE = re.compile(
    r"\b(?:compare[sd]?|comparing|comparison|contrast|differ(?:s|ed|ent|ence|ences)?|versus|"
    r"vs\.?|each (?:side|country|countries|party|partner|company|one|of (?:them|the))|"
    r"each (?:[\w-]+ ){0,3}(?:bring|offer|contribute|provide|gain|get|want|do|does|have|has)|"
    r"both (?:sides|countries|partners|parties|companies)|similarit(?:y|ies)|each other|"
    r"(?:how|in what way) (?:did|has|have|does|do) .+ (?:change|evolve|grow|shift)|"
    r"changed? (?:from|between)|what does .+ (?:and|while|whereas) what does|"
    r"what (?:do|does) .+ (?:each )?(?:bring|offer|contribute)\b.*\b(?:and|each))\b",
    re.IGNORECASE)
_WHY = re.compile(r"^\s*(?:why|how come)\b|\bwhy\b|\bfor what (?:reason|purpose)\b|"
                  r"\bwhat (?:is|was|are|were|'s) the (?:\w+ )?(?:reasons?|purposes?|motivations?|"
                  r"rationale|point|goal|aim)\b|\bwhat (?:drives|drove|motivates|motivated|"
                  r"led to|caused|prompted)\b", re.IGNORECASE)
# "How does X work?", not "How small was …?" (a degree: a fact).
_HOW = re.compile(r"^\s*(?:and |so |but )?how (?:do|does|did|is|are|was|were|can|could|will|"
                  r"would|should|has|have|had|might|must|may)\b", re.IGNORECASE)
_LIST = re.compile(
    r"^\s*(?:list|name|enumerate|give me (?:a list|the list|all))\b|\b(?:what|which) (?:are|were) "
    r"(?:the|some|all)\b|\b(?:what|which) (?:[\w-]+ ){0,3}(?:areas|sectors|fields|industries|"
    r"things|projects|agreements|items|steps|reasons|ways|countries|companies|products|examples|"
    r"types|kinds|members|parts|factors|benefits|goals|priorities)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Kind:
    """The kind of a question, and what it is about where the form says so: the thing to
    define ("OSAT"), the part to summarise ("talent"), the page detail ("author")."""

    name: str
    topic: str = ""


def question_kind(question: str) -> Kind:
    """The kind of answer a question wants (see the module docstring)."""
    text = " ".join(question.strip().split())
    bare = text.rstrip(" ?.!")
    if _SUMMARY.search(bare) and not _ASKS_FOR_A_SPAN.match(bare):
        return Kind("summary", _summary_topic(bare))
    for facet, pattern in (("author", _AUTHOR), ("links", _LINKS), ("caption", _CAPTION)):
        if pattern.search(bare):
            return Kind("meta", facet)
    if _ASKS_FOR_A_FACT.match(bare):
        return Kind("fact")
    if _ROLE.search(bare):
        return Kind("role")
    if _COMPARE.search(bare):
        return Kind("compare")
    if _WHY.search(bare):
        return Kind("why")
    defined = _defined_term(bare)
    if defined:
        return Kind("definition", defined)
    if _HOW.search(bare):
        return Kind("how")
    if _LIST.search(bare):
        return Kind("list")
    return Kind("fact")


def _summary_topic(question: str) -> str:
    """The part of the document a summary is asked about, or "" for the whole of it."""
    match = _TOPIC[0].search(question) or _TOPIC[1].search(question)
    if not match:
        return ""
    topic = re.sub(r"^(?:the |a |an )", "", match.group(1).strip(), flags=re.IGNORECASE)
    return "" if _WHOLE.match(topic) else topic


def _defined_term(question: str) -> str:
    """The thing a "What is X?" / "What does X stand for?" question asks to define."""
    for number, pattern in enumerate(_DEFINITION):
        match = pattern.match(question)
        if not match:
            continue
        term = match.group(1).strip(" \"'“”‘’")
        if number < 2:
            return term
        if (len(term.split()) > MAX_DEFINED_WORDS or _NOT_DEFINED.search(term)
                or re.search(r"['’]s\b", term)):  # "Robert's son" is a relation, a fact
            continue
        if question.lower().startswith("who") and not all(w[:1].isupper() for w in term.split()):
            continue  # "Who was the hostage?" asks for a name, "Who is Varuna Shankar?" not
        if re.match(r"^\w+ (?:are|were)\b", question, re.IGNORECASE) and term.islower():
            continue  # "What are the priority areas?" asks for a list
        return term
    return ""


__all__ = ["KINDS", "Kind", "question_kind"]
