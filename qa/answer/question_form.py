"""The form of a question, from its wording alone (never a document's words): its kind
(summary, meta, definition, role, compare, why, how, list, fact; how the answer is composed,
`qa.pipeline`), its answer type (number, date, name, other) and unit (what the quote must hold,
`qa.answer.checks`), whether it wants a list, the noun a "which X" asks for.
`read_form` returns all of it; the examples that pin it down are `tests/test_kinds.py` and
`tests/test_question.py`. It never decides whether the document answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.text import STOPWORDS

KINDS = ("summary", "meta", "definition", "role", "compare", "why", "how", "list", "fact")


@dataclass(frozen=True)
class Kind:
    """The kind of a question, and what it is about where the form says so: the thing to
    define ("OSAT"), the part to summarise ("talent"), the page detail ("author")."""
    name: str
    topic: str = ""


@dataclass(frozen=True)
class QuestionForm:
    """All the form of a question tells: its kind, the type (and unit) of its answer."""
    kind: Kind
    answer_type: str   # "number" | "date" | "name" | "other"
    unit: str          # numbers: "money" | "share" | "duration"; names: "person"; or ""
    head: str          # the noun a "which X" question asks for: "publication", "city"
    wants_list: bool   # several items answer it
    strict_type: bool  # only an answer of its type will do (`needs_typed_answer`)


def read_form(question: str, corrected: str | None = None) -> QuestionForm:
    """The form; answer type, person unit and head from `corrected` (typos repaired)."""
    fixed = question if corrected is None else corrected
    return QuestionForm(
        kind=question_kind(question), answer_type=answer_type(fixed),
        unit=number_unit(question) or person_unit(fixed), head=head_noun(fixed),
        wants_list=bool(LIST_Q.search(question)),
        strict_type=needs_typed_answer(fixed))


# -- the kind: how the answer is composed -------------------------------------------------
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


# -- the answer type: what kind of short answer the question asks for ---------------------
NUMBER_Q = re.compile(
    r"\bhow (?:many|much|large|big|long|far|old|high|often|fast)\b|"
    r"\bwhat (?:is |was |are |were )?(?:the |its |their )?(?:[\w-]+ ){0,2}(?:percentage|"
    r"percent|share|proportion|number|amount|sum|fraction|portion|total|size|value|cost|price|"
    r"figure|rate|count|population|budget|quantity|capacity|worth|revenue|salary)\b|\b(?:what|which) (?:percentage|percent|share|proportion|fraction)\b",
    re.IGNORECASE)
DATE_Q = re.compile(
    r"^\s*when\b|\bwhen (?:did|does|do|was|were|is|will|had|has)\b|"
    r"\b(?:what|which|in what|in which) (?:year|years|date|month|decade|century|day|"
    r"time ?frame)\b|\bsince when\b|\bby when\b|\bhow long ago\b|"
    r"\b(?:what|which) (?:is|was|were) the (?:[\w-]+ )?(?:year|date|decade|century)(?![\w-])",
    re.IGNORECASE)
NAME_Q = re.compile(
    r"\bwhat (?:is|was|are|were) (?:the )?names? of\b|\bname (?:the|a|an)\b|"
    r"^\s*(?:who|whom|whose|where)\b|\b(?:who|whom|whose|where) (?:is|was|are|were|did|does|do|"
    r"has|had|will)\b|"
    r"\b(?:which|what) (?:[\w-]+ )?(?:country|countries|company|companies|city|cities|state|states|region|"
    r"firm|firms|organi[sz]ation|organi[sz]ations|person|people|group|publication|magazine|"
    r"newspaper|journal|university|institute|institution|agency|ministry|government|nation|"
    r"nations|province|prefecture|place|location|town|village|river|author|leader|minister|"
    r"president|king|queen|team|party|brand|program|programme|mission|site|facility|plant)\b",
    re.IGNORECASE)
# Whether a question wants several items quoted (its runners-up); the kind "list" is `_LIST`.
LIST_Q = re.compile(r"\b(?:what are|which are|list|name (?:the|all)|(?:what|which) (?:\w+ )?(?:areas|"
                    r"sectors|fields|things|projects|agreements|items|steps|reasons|ways))\b|"
                    r"\b(?:showcase|include|includes|including)\b", re.IGNORECASE)
MONEY_Q = re.compile(r"\bhow much (?:money|funding|capital|did|does|do|is|was|will|has|have)\b.*"
                     r"\b(?:invest|spend|cost|pay|fund|allocat|lend|loan|earn|worth|price|raise)|"
                     r"\b(?:dollar|monetary|financial) (?:value|amount|figure)\b|\bhow much money\b",
                     re.IGNORECASE)
SHARE_Q = re.compile(r"\b(?:percentage|percent|share|proportion|fraction|portion)\b", re.I)
DURATION_Q = re.compile(r"\bhow long\b(?! ago)", re.IGNORECASE)
PERSON_Q = re.compile(
    r"\b(?:prime minister|president|chief executive|ceo|chairman|chairwoman|chairperson|founder|"
    r"co-founder|author|writer|director|minister|leader|king|queen|emperor|governor|mayor|"
    r"ambassador|spokesperson|spokesman|head of|person|man|woman|scientist|inventor|"
    r"architect|composer|coach|captain|pope|bishop)\b|"
    r"\bwho (?:wrote|authored|founded|invented|discovered|painted|composed|designed|directed|"
    r"said|led|created|built|signed|visited|won)\b", re.IGNORECASE)
# A measure words can give: "How long did it last?" (until 1850), "How fast?" (quickly).
DEGREE_Q = re.compile(r"\bhow (?:long(?! ago)|far|high|large|big|often|fast|old)\b|"
                      r"\b(?:what|which) (?:is |was |are |were )?(?:the |its |their )?"
                      r"(?:[\w-]+ )?size\b", re.IGNORECASE)
WHO_IS_NAME_Q = re.compile(r"^\s*(?:[Ww]ho|[Ww]hat) (?:is|was|are|were) (?:[A-Z][\w.'’-]*\s*){1,4}\??\s*$")
_HEAD = re.compile(r"\b(?:which|what)\s+(?:(?:kind|type|sort)s?\s+of\s+)?([a-z][a-z-]{2,})\b",
                   re.IGNORECASE)
_NOT_HEADS = STOPWORDS | {"did", "does", "do", "is", "was", "are", "were", "has", "have", "can",
                          "could", "will", "would", "should", "kind", "type", "sort", "name"}


def answer_type(question: str) -> str:
    """The kind of short answer a question asks for: number, date, name or other."""
    if NUMBER_Q.search(question):
        return "number"
    if DATE_Q.search(question):
        return "date"
    if WHO_IS_NAME_Q.match(question):
        return "other"  # "Who is Varuna Shankar?" asks for a description, not a name
    if NAME_Q.search(question):
        return "name"
    return "other"


def needs_typed_answer(question: str) -> bool:
    """Whether only a number, a date or a person's name can answer the question. Not for a
    degree ("how long", "what size"), which words can give."""
    kind = answer_type(question)
    if kind in ("number", "date"):
        return not DEGREE_Q.search(question)
    return kind == "name" and person_unit(question) == "person"


def person_unit(question: str) -> str:
    """'person' when a name question asks for a person ("who is the CEO …")."""
    if answer_type(question) != "name" or not PERSON_Q.search(question):
        return ""
    head = head_noun(question)
    return "" if head and not PERSON_Q.search(head) else "person"


def number_unit(question: str) -> str:
    """What a number answer must measure: money, a share, a duration, or anything."""
    if MONEY_Q.search(question):
        return "money"
    if DURATION_Q.search(question):
        return "duration"
    if SHARE_Q.search(question):
        return "share"
    return ""


def head_noun(question: str) -> str:
    """The noun after "which"/"what" ("Which publication …" → "publication"), or ""."""
    match = _HEAD.search(question)
    if not match or match.group(1).lower() in _NOT_HEADS:
        return ""
    return match.group(1).lower()


__all__ = ["KINDS", "Kind", "QuestionForm", "answer_type", "head_noun",
           "needs_typed_answer", "number_unit", "person_unit", "question_kind", "read_form"]
