"""qa.bert, the plain-torch encoder used for answering, equals transformers' BERT."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
LONG = " ".join(["Filler words fill this sentence, with 1,234 numbers and Café names."] * 60)
QUESTIONS = ["When did the bridge open?", "Who designed it, and why?"]
PASSAGES = [LONG + " The bridge opened in 1932.", "Short passage."]


def test_pairs_are_tokenized_as_transformers_does() -> None:
    from qa import reader as rd
    from qa.bert import WordPieces
    from qa.embedding import bundled_model_path

    ours = WordPieces(bundled_model_path()).pairs(QUESTIONS, PASSAGES, rd.MAX_LENGTH, rd.STRIDE)
    theirs = rd.encode_pairs(rd.load_tokenizer(), QUESTIONS, PASSAGES)
    assert len(ours["input_ids"]) > 3  # the long passage became several windows
    for key in ("input_ids", "token_type_ids", "attention_mask", "overflow_to_sample_mapping"):
        assert ours[key] == theirs[key], key
    assert [[tuple(o) for o in row] for row in ours["offset_mapping"]] == [
        [tuple(o) for o in row] for row in theirs["offset_mapping"]]
    assert all(ours.sequence_ids(i) == theirs.sequence_ids(i)
               for i in range(len(ours["input_ids"])))


def test_the_answering_model_gives_the_training_models_logits() -> None:
    import torch
    from safetensors.torch import load_file

    from qa import reader as rd
    from qa.bert import WordPieces, pad
    from qa.embedding import bundled_model_path

    state = {k: v.float() for k, v in load_file(str(rd.READER_DIR / rd.WEIGHTS_FILE)).items()}
    enc = WordPieces(bundled_model_path()).pairs(QUESTIONS, PASSAGES, rd.MAX_LENGTH, rd.STRIDE)
    inputs = pad(enc["input_ids"], enc["token_type_ids"])  # rows of unequal length: padded
    logits = []
    for for_training in (True, False):
        model = rd.build_model(for_training=for_training)
        model.load_state_dict(state, strict=False)
        with torch.inference_mode():
            logits.append(model.eval()(**inputs))
    mask = inputs["attention_mask"].bool()
    for theirs, ours in zip(logits[0], logits[1], strict=True):
        assert torch.allclose(theirs[mask], ours[mask], atol=1e-4)


def test_answering_a_question_never_imports_transformers(tmp_path: Path) -> None:
    """The cold start stays short: once the index is built, answering loads neither
    sentence-transformers nor transformers."""
    index = str(tmp_path / "index")
    built = subprocess.run([sys.executable, "-m", "qa", "build", "--index", index], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    code = ("import sys; from qa.cli import main; code = main(['ask', '--index', sys.argv[1], "
            "'Who wrote the article?']); print('LOADED', sorted(m for m in ("
            "'transformers', 'sentence_transformers') if m in sys.modules)); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", code, index], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "[1]" in done.stdout and "LOADED []" in done.stdout


def test_threads_sharing_the_tokenizer_get_the_serial_results() -> None:
    """Questions (truncated at 256) and reader windows (strided) at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    from qa import reader as rd
    from qa.bert import WordPieces
    from qa.embedding import bundled_model_path

    pieces = WordPieces(bundled_model_path())

    def job(i: int) -> list[list[int]]:
        if i % 2:
            return pieces.texts([LONG * 2], 256)["input_ids"].tolist()
        return pieces.pairs(QUESTIONS, PASSAGES, rd.MAX_LENGTH, rd.STRIDE)["input_ids"]

    serial = [job(i) for i in range(2)]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(job, range(40)))
    assert all(result == serial[i % 2] for i, result in enumerate(together))
