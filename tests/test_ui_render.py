"""The chat's HTML and Markdown, and its streaming logic, from hand-made answers (no model)."""

from __future__ import annotations

import re

import pytest

from qa.config import Settings
from qa.errors import InputError
from qa.types import Answer, Citation, Document, Paragraph
from qa.ui import chat_state
from qa.ui.chat import messages, respond, turn_of_message
from qa.ui.chat_state import Turn
from qa.ui.render import (
    announcement,
    answer_markdown,
    cite_href,
    conversation_markdown,
    render_answer,
    render_article,
    render_question,
    render_sources,
)
from qa.ui.views import render_library

XSS = "<img src=x onerror=alert(1)>"
TEXT = "Tokyo Electron <b>partnered</b> with Tata. The deal was signed in 2024."


def citation(n: int = 1, text: str = TEXT, quote: str = "Tokyo Electron <b>partnered</b>",
             start: int | None = None) -> Citation:
    start = text.find(quote) if start is None else start
    return Citation(n=n, doc="my doc", paragraph=3, anchor="my doc#p3", text=text, quote=quote,
                    start=start, end=start + len(quote))


def answered(question: str = "Who partnered?", text: str = "**Tata** — “Tokyo Electron” [1]",
             citations: tuple[Citation, ...] | None = None) -> Answer:
    return Answer(question=question, answer=text, abstained=False,
                  citations=(citation(),) if citations is None else citations,
                  short_answer="Tata")


def abstention(question: str = "What is India's GDP?") -> Answer:
    return Answer(question=question, answer="The article does not say.", abstained=True)


def test_markers_link_to_their_paragraph_and_quote() -> None:
    html = render_answer(answered())
    href = cite_href(citation())
    assert href == "#qa:my%20doc:3:0:31"
    assert f'<a class="qa-cite" href="{href}"' in html
    assert "<strong>Tata</strong>" in html
    assert 'title="Source 1: paragraph 3 of my doc">[1]</a>' in html  # real brackets


def test_sources_mark_the_quote_and_escape_the_document() -> None:
    html = render_sources([citation()])
    assert "<mark>Tokyo Electron &lt;b&gt;partnered&lt;/b&gt;</mark> with Tata." in html
    assert "<b>" not in html
    assert "my doc#p3" in html


def test_offsets_that_disagree_fall_back_to_finding_the_quote() -> None:
    html = render_sources([citation(quote="with Tata", start=0)])
    assert "<mark>with Tata</mark>" in html


def test_abstention_has_a_badge_and_no_citations() -> None:
    html = render_answer(abstention())
    assert "qa-abstained" in html and "Not in the article" in html
    assert "qa-cite" not in html and "qa-sources" not in html


@pytest.mark.parametrize("text", [XSS, "<script>alert(1)</script>", '" onmouseover="x'])
def test_user_and_document_text_never_becomes_markup(text: str) -> None:
    doc = Document(doc="d", title=text, path="d.txt",
                   paragraphs=(Paragraph(doc="d", number=1, text=text),))
    quoted = citation(text=f"{text} end", quote=text)
    fragments = [render_question(text), render_article([doc]),
                 render_answer(answered(question=text, text=f"{text} [1]", citations=(quoted,)))]
    for html in fragments:
        assert "<img" not in html and "<script" not in html and '" onmouseover' not in html


def test_fragments_are_single_raw_html_blocks() -> None:
    # A newline, let alone a blank line, would let the chat's Markdown renderer split the block.
    answer = answered(text="**Tata**\n\n“Tokyo Electron” [1]")
    fragments = (render_answer(answer), render_question("two\nlines"), render_sources([citation()]))
    for html in fragments:
        assert "\n" not in html
    assert "&#10;&#10;[^1]:" in render_answer(answer)


def test_article_has_anchors_headings_and_roles() -> None:
    doc = Document(doc="d", title="A title", path="d.txt", paragraphs=(
        Paragraph(doc="d", number=1, text="Warming Ties", role="heading"),
        Paragraph(doc="d", number=2, text="Body text.", role="body", section="Warming Ties")))
    html = render_article([doc])
    assert '<h3 class="qa-para qa-role-heading" id="qa-d-p1" data-anchor="d#p1">' in html
    assert 'data-anchor="d#p2"><span class="qa-pnum" title="d#p2">2</span>' in html
    assert '<h2 class="qa-doc-title">A title</h2>' in html


def test_streaming_prefix_shows_text_only_with_bold_closed() -> None:
    html = render_answer(answered(), partial="**Ta")
    assert "<strong>Ta</strong>" in html and "qa-streaming" in html
    assert "qa-sources" not in html


def test_markdown_export_has_footnotes_with_quotes_and_anchors() -> None:
    assert answer_markdown(answered()) == (
        "**Tata** — “Tokyo Electron” [^1]\n\n"
        "[^1]: “Tokyo Electron <b>partnered</b>” — my doc#p3")
    both = conversation_markdown([answered(), abstention()])
    assert both.startswith("## Who partnered?\n\n**Tata** — “Tokyo Electron” [^1.1]")
    assert "[^1.1]: “Tokyo Electron" in both
    assert "## What is India's GDP?\n\n> The article does not say." in both


class StandIn:
    """The pipeline interface the UI needs, answering from a script."""

    def __init__(self, *answers: Answer | Exception) -> None:
        self.settings = Settings()
        self.documents: list[Document] = []
        self.answers = list(answers)
        self.calls: list[tuple[str, list[list[str]] | None]] = []

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None, scope: frozenset[str] | None = None) -> Answer:
        self.calls.append((question, history))
        result = self.answers.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def test_respond_shows_question_then_streams_then_adds_sources() -> None:
    first = Turn("Earlier?", abstention("Earlier?"))
    long_answer = answered(text="**Tata** — “" + " ".join(["word"] * 40) + "” [1]")
    pipeline = StandIn(long_answer)
    steps = list(respond(pipeline, "Who partnered?", [first]))
    assert pipeline.calls == [("Who partnered?", [["Earlier?", "The article does not say."]])]
    box, chat, turns = steps[0]
    assert box == "" and "qa-pending" in chat[-1]["content"] and turns == [first]
    assert any("qa-streaming" in s[1][-1]["content"] for s in steps[1:-1])
    box, chat, turns = steps[-1]
    assert turns == [first, Turn("Who partnered?", long_answer)]
    assert [m["role"] for m in chat] == ["user", "assistant", "user", "assistant"]
    assert "qa-sources" in chat[-1]["content"]


def test_respond_turns_a_refusal_into_a_message() -> None:
    pipeline = StandIn(InputError("The question is too long."))
    *_, (_, chat, turns) = respond(pipeline, "x" * 50, [])
    assert turns == [Turn("x" * 50, error="The question is too long.")]
    assert 'class="qa-answer qa-error"' in chat[-1]["content"]


def test_respond_ignores_a_blank_question() -> None:
    pipeline = StandIn()
    assert list(respond(pipeline, "   ", [])) == [("   ", [], [])]
    assert pipeline.calls == []


def test_messages_keep_each_answer_with_its_own_citations() -> None:
    one = answered(citations=(citation(n=1, quote="Tata"),))
    two = answered(citations=(citation(n=1, quote="2024"),))
    chat = messages([Turn("q1", one), Turn("q2", two)])
    assert re.search(r"<mark>Tata</mark>", chat[1]["content"])
    assert re.search(r"<mark>2024</mark>", chat[3]["content"])


def document(text: str = TEXT, title: str = "My Doc") -> Document:
    return Document(doc="my doc", title=title, path="my-doc.txt", paragraphs=(
        Paragraph(doc="my doc", number=3, text=text),))


def test_markers_are_named_after_their_source_and_document() -> None:
    html = render_answer(answered(), documents=[document(title="India Japan")])
    assert 'title="Source 1: paragraph 3 of India Japan">[1]</a>' in html
    assert "qa-stale" not in html and "qa-source-gone" not in html


def test_a_removed_or_changed_source_says_so_instead_of_linking() -> None:
    other = Document(doc="other", title="Other", path="other.txt", paragraphs=())
    gone = render_answer(answered(), documents=[other])
    assert "Source [1] is gone: its document was removed." in gone
    assert 'href="#qa:' not in gone and "document removed" in gone
    changed = render_answer(answered(), documents=[document(text="Rewritten since.")])
    assert "Source [1] has changed" in changed and 'href="#qa:' not in changed
    assert "<mark>Tokyo Electron &lt;b&gt;partnered&lt;/b&gt;</mark>" in changed  # as quoted


def test_the_saved_conversation_round_trips_and_drops_what_is_malformed() -> None:
    turns = [Turn("Who partnered?", answered()), Turn("x" * 5, error="Too short."),
             Turn("GDP?", abstention("GDP?"))]
    saved = chat_state.save(turns)
    assert saved[0]["answer"]["citations"][0]["hash"]
    restored = chat_state.restore(saved)
    assert restored == turns and [t.id for t in restored] == [t.id for t in turns]
    tampered = [dict(saved[0], answer=dict(saved[0]["answer"], citations=[
        dict(saved[0]["answer"]["citations"][0], text="Not what was quoted.")]))]
    junk = [None, 3, {"question": 1}, {"question": "q"}, *tampered, saved[1]]
    assert chat_state.restore(junk) == [turns[1]]
    assert chat_state.restore("not a list") == []


def test_like_events_find_their_turn() -> None:
    turns = [Turn("a", abstention()), Turn("b", error="no"), Turn("c", answered())]
    assert [turn_of_message(turns, i) for i in range(6)] == [None, 0, None, 1, None, 2]


def test_live_announcement_and_document_table() -> None:
    said = announcement(answered(), documents=[document()])
    assert said.startswith("Answer: Tata — “Tokyo Electron”")
    assert said.endswith("1 source: Source 1: paragraph 3 of My Doc.")
    assert announcement(abstention()).startswith("Not in the article.")

    class Entry:
        doc, title, path, paragraphs, pages = "d", "<b>T</b>", "d.pdf", 4, 2
        indexed_at = "2026-12-03T09:00:00+00:00"

    table = render_library([Entry()])
    assert "<cite>&lt;b&gt;T&lt;/b&gt;</cite>" in table and "2026-12-03 09:00" in table
    assert '<td class="qa-num">4</td><td class="qa-num">2</td>' in table
