"""Libraries without a server: the membership file, the scope, and every read path of the
engine and the page's handlers held to it (tests/test_libraries_app.py drives a real app)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from qa.access import Accounts, Caller, Gate
from qa.access.libraries import Libraries
from qa.config import Settings
from qa.documents import library
from qa.errors import CorpusError, DocumentError, InputError
from qa.pipeline import Pipeline
from qa.store import open_store
from qa.ui import chat_state
from qa.ui.chat_state import Turn
from qa.ui.handlers import Handlers
from tests.conftest import FakeEmbedder
from tests.library_docs import DOCUMENT, FACTS, QUESTIONS

LAB = "kestrel-lab"
ANA = Caller("ana", "editor", frozenset({"main"}))
BO = Caller("bo", "editor", frozenset({"lab"}))


@pytest.fixture
def two_teams(article_settings: Settings, fake_embedder: FakeEmbedder,
              tmp_path: Path) -> Settings:
    (tmp_path / "kestrel-lab.md").write_text(DOCUMENT, encoding="utf-8")
    library.add(article_settings, fake_embedder, [tmp_path / "kestrel-lab.md"], library="lab")
    return article_settings


@pytest.fixture
def pipeline(two_teams: Settings, fake_embedder: FakeEmbedder) -> Pipeline:
    return Pipeline.load(two_teams, embedder=fake_embedder)


def lab_text_in(text: str) -> bool:
    return any(sentence[:40] in text for sentence, _ in FACTS)


def test_membership_lives_beside_the_documents(two_teams: Settings) -> None:
    libraries = Libraries(two_teams.corpus_dir)
    assert libraries.of(LAB) == "lab" and libraries.of("india-japan-semiconductors") == "main"
    assert libraries.names([LAB, "india-japan-semiconductors"]) == ["main", "lab"]
    assert libraries.scope(ANA, [LAB, "india-japan-semiconductors"]) == {
        "india-japan-semiconductors"}
    assert libraries.scope(Caller("ada", "admin"), [LAB]) is None
    entries = {e.doc: e.library for e in library.listing(two_teams).entries}
    assert entries == {LAB: "lab", "india-japan-semiconductors": "main"}


def test_a_damaged_membership_file_fails_closed(two_teams: Settings) -> None:
    (two_teams.corpus_dir / ".libraries.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="cannot be read"):
        Libraries(two_teams.corpus_dir).scope(ANA, [LAB])


def test_a_file_cannot_replace_a_document_of_another_library(
        two_teams: Settings, fake_embedder: FakeEmbedder, tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    impostor = tmp_path / "other" / "kestrel-lab.md"
    impostor.write_text("# Kestrel Lab\n\nThe lab was closed in 1990.\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="another library"):
        library.add(two_teams, fake_embedder, [impostor], replace=True, library="main")
    assert "closed in 1990" not in (two_teams.corpus_dir / "kestrel-lab.md").read_text()
    library.remove(two_teams, fake_embedder, LAB)
    assert Libraries(two_teams.corpus_dir).of(LAB) == "main"  # its line went with it


def test_fifty_questions_about_another_library_never_reach_it(pipeline: Pipeline) -> None:
    ids = [d.doc for d in pipeline.documents]
    libraries = Libraries(pipeline.settings.corpus_dir)
    ana, bo = libraries.scope(ANA, ids), libraries.scope(BO, ids)
    reached = 0
    for question in QUESTIONS:
        answer = pipeline.ask(question, scope=ana)
        assert all(c.doc != LAB for c in answer.citations), question
        assert not lab_text_in(answer.answer) and not lab_text_in(str(answer.to_dict()))
        reached += any(c.doc == LAB for c in pipeline.ask(question, scope=bo).citations)
    assert reached >= 40, f"only {reached} of 50 questions reached the lab's own reader"


def test_summaries_and_a_named_document_stay_in_scope(pipeline: Pipeline) -> None:
    ids = [d.doc for d in pipeline.documents]
    ana = Libraries(pipeline.settings.corpus_dir).scope(ANA, ids)
    summary = pipeline.ask("Summarize the documents.", scope=ana)
    assert summary.citations and not lab_text_in(summary.answer)
    with pytest.raises(InputError) as error:
        pipeline.ask("Who founded the lab?", doc=LAB, scope=ana)
    assert LAB not in str(error.value).split(";")[1]  # not listed among the known ones
    with pytest.raises(InputError, match="may not read any document"):
        pipeline.ask("Who founded the lab?", scope=frozenset())


def ana_and_bo_logged_in(settings: Settings) -> tuple[Accounts, Gate]:
    """Accounts for ana (editor of main) and bo (reader of lab), both logged in."""
    accounts = Accounts(settings.index_dir / "accounts.json")
    accounts.add("ana", "ana's long password", "editor", ["main"])
    accounts.add("bo", "bo's long password", "reader", ["lab"])
    gate = Gate.for_app(settings.index_dir, "127.0.0.1")
    gate.login("ana", "ana's long password")
    gate.login("bo", "bo's long password")
    return accounts, gate


def test_the_page_handlers_show_a_caller_only_their_libraries(two_teams: Settings,
                                                              pipeline: Pipeline) -> None:
    accounts, gate = ana_and_bo_logged_in(two_teams)
    handlers = Handlers(pipeline, None, gate, None)
    assert not handlers.examples  # nothing is shown before anyone has logged in
    as_ana = SimpleNamespace(username="ana", session_hash="s-ana")
    as_bo = SimpleNamespace(username="bo", session_hash="s-bo")
    views = handlers.refresh_views(as_ana)
    assert not any(lab_text_in(str(v)) or "Kestrel" in str(v) for v in views)
    assert "Kestrel" in str(handlers.refresh_views(as_bo)[1])
    assert not any("Kestrel" in str(b) or "shark" in str(b)
                   for b in handlers.example_buttons_for("*", as_ana))
    # bo's conversation cites the lab; once the lab is withdrawn it is withheld everywhere
    answered = list(handlers.chat(QUESTIONS[0], [], "*", as_bo))[-1][2]
    assert any(c.doc == LAB for c in answered[-1].answer.citations)
    saved = chat_state.save(answered)
    accounts.set_libraries("bo", ["main"])
    shown, restored = handlers.reopen(saved, [], as_bo)
    assert not lab_text_in(str(shown)) and restored[-1].error == chat_state.WITHHELD
    markdown, _ = handlers.export_conversation(answered, as_bo)
    assert not lab_text_in(markdown)
    later = list(handlers.chat("Who founded it?", answered, "*", as_bo))[-1]
    assert not lab_text_in(str(later[1]))


def test_withhold_replaces_only_answers_citing_unreadable_documents() -> None:
    from qa.types import Answer, Citation

    def turn(doc: str) -> Turn:
        citation = Citation(1, doc, 1, f"{doc}#p1", "text", "text", 0, 4)
        return Turn("q", Answer("q", "text [1]", False, (citation,)))

    kept, hidden = chat_state.withhold([turn("a"), turn("b")], {"b"})
    assert kept.answer is not None and hidden.answer is None
    assert hidden.error == chat_state.WITHHELD


def test_both_stores_filter_by_scope(two_teams: Settings, fake_embedder: FakeEmbedder) -> None:
    index = open_store(two_teams).load(two_teams.corpus_dir, fake_embedder)
    from qa.store.local_search import LocalRankings

    rankings = LocalRankings(index)
    vector = fake_embedder.encode_queries(["basking sharks tagged off the Hebrides"])[0]
    scope = frozenset({"india-japan-semiconductors"})
    for rows in (rankings.paragraphs(vector, scope), rankings.sentences(vector, scope),
                 rankings.lexical("basking sharks Hebrides", scope)):
        assert all(index.paragraphs[r].doc in scope for r in rows)
    assert any(index.paragraphs[r].doc == LAB for r in rankings.lexical("basking sharks"))
    assert rankings.paragraphs(vector, frozenset()) == []


def test_a_name_only_another_library_holds_is_unknown_to_the_caller(pipeline: Pipeline) -> None:
    """The engine's corpus facts span every library; the name check is held to the scope, so
    a refusal says nothing about what other libraries name."""
    ids = [d.doc for d in pipeline.documents]
    ana = Libraries(pipeline.settings.corpus_dir).scope(ANA, ids)
    mine = pipeline.ask("Who founded the Kestrel Lab?", scope=ana)
    assert mine.abstained and mine.answer.startswith("The article does not say")
    assert "'Kestrel' does not occur in the article" in mine.debug["abstain"]
    everyone = pipeline.ask("Who founded the Kestrel Lab?")
    assert "Kestrel" not in str(everyone.debug.get("abstain", ""))


def test_the_handlers_themselves_refuse_what_the_page_would_not_offer(
        two_teams: Settings, pipeline: Pipeline, tmp_path: Path) -> None:
    from qa.access import audit
    from qa.documents.live import LivePipeline

    accounts, gate = ana_and_bo_logged_in(two_teams)
    live = LivePipeline(pipeline)
    handlers = Handlers(live, live, gate, None)
    as_ana = SimpleNamespace(username="ana", session_hash="s-ana")
    as_bo = SimpleNamespace(username="bo", session_hash="s-bo")
    bo_steals = SimpleNamespace(username="bo", session_hash="s-ana")
    # a reader's remove reaches the handler (no page choice list in between): refused, audited
    refused = handlers.remove_document(LAB, [], as_bo)
    assert "may not" in str(refused[1]) or "No document" in str(refused[1])
    assert LAB in {d.doc for d in live.documents}
    assert audit.read(two_teams.index_dir / audit.AUDIT_FILE)[-1]["outcome"].startswith("refused")
    # a conversation's session is its owner's: another caller can neither read nor wipe it
    turns = list(handlers.chat("Which plant did Modi tour in Miyagi?", [], "*", as_ana))[-1][2]
    assert handlers.save(turns, as_ana)[0]  # the owner's own save works, so this can fail
    assert all(is_skip(part) for part in handlers.save(turns, bo_steals))
    assert all(is_skip(part) for part in handlers.new_chat(bo_steals))
    assert all(is_skip(part) for part in handlers.clear_chat(bo_steals))
    assert handlers.new_chat(as_ana)[2] == []
    # an editor's upload is listed by a tab opened afterwards (not the documents of start-up)
    upload = tmp_path / "orchard.md"
    upload.write_text("# Orchard\n\nThe quince tree was planted in 2019.\n", encoding="utf-8")
    handlers.add_document(str(upload), False, "main", lambda *a, **k: None, as_ana)
    fresh_tab = SimpleNamespace(username="ana", session_hash="s-ana-2")
    assert "Orchard" in str(handlers.refresh_views(fresh_tab))
    live.close()


def is_skip(update: object) -> bool:
    return isinstance(update, dict) and update.get("__type__") == "update" and len(update) == 1
