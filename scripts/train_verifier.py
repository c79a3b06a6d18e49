"""Train the sentence verifier: does this one sentence answer the question? (`qa/verifier.py`)

    python scripts/train_verifier.py --out runs/verifier      # about 60 min on 1 CPU core

A cross-encoder over (question, sentence), warm-started from the shipped reader's encoder
(it already aligns questions with passages) with a fresh one-logit head on [CLS]. The
examples come from squad-train/ only, split by article exactly as the reader's last stages
(every 20th article counted from 0 and from 10 validates; squad/ and squad-v1/ are never
used):
- a positive per answerable question: the sentence holding its gold answer;
- a real SQuAD 2.0 unanswerable question with the sentence holding its plausible span (the
  hard negative the crowd wrote it against), beside its paired answerable question's positive;
- with `--other-sentences`, an answerable question with the most word-overlapping other
  sentence of its paragraph that lacks the answer (which sentence of a paragraph answers).

Each sentence is given with its paragraph's previous sentence as context after a [SEP]
(`qa.verifier.pair_text`), as the engine gives it. A run checkpoints every
`--checkpoint-every` steps; `--resume` goes on from `<out>/checkpoint/`. The validation
curve (loss, AUC on held-out articles' pairs) is in the manifest.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import reader as rd  # noqa: E402
from qa import verifier as vf  # noqa: E402
from qa.documents.sentences import split_sentences  # noqa: E402
from qa.embedding import file_sha256  # noqa: E402
from scripts.train_reader import (  # noqa: E402
    VALIDATION_EVERY,
    batches,
    collate,
    optimizer_and_schedule,
    paired_questions,
    read_article,
    restore,
    split_squad_train,
    words,
)


def sentence_at(paragraph: str, char: int) -> tuple[str, str] | None:
    """(previous sentence, sentence) of `paragraph` holding character `char`."""
    sentences = split_sentences(paragraph)
    for i, s in enumerate(sentences):
        if s.start <= char < s.end:
            return (sentences[i - 1].text if i else "", s.text)
    return None


def other_sentences(paragraph: str, question: str, golds: list[str],
                    count: int = 1) -> list[tuple[str, str]]:
    """The `count` sentences of `paragraph` sharing most words with `question` that hold no
    gold answer, as (previous sentence, sentence)."""
    q = set(words(question))
    sentences = split_sentences(paragraph)
    scored = sorted(((len(q & set(words(s.text))), i) for i, s in enumerate(sentences)
                     if not any(a in s.text for a in golds)), reverse=True)
    return [(sentences[i - 1].text if i else "", sentences[i].text) for _, i in scored[:count]]


def plausible_sentence(item: dict, paragraph: str) -> tuple[str, str] | None:
    """(previous sentence, sentence) holding an unanswerable question's plausible span."""
    if not item["plausible_answers"]:
        return None
    at = paragraph.lower().find(item["plausible_answers"][0].lower())
    return sentence_at(paragraph, at) if at >= 0 else None


def article_pairs(folder: Path, rng: random.Random, unanswerable: float, per_article: int,
                  others: float, per_question: int = 1) -> list[tuple[str, str, str, int]]:
    """(question, previous sentence, sentence, label) pairs of one article, seeded: the
    sentences of `paired_questions`' unanswerable questions' plausible spans (0), of their
    paired and other answerable questions' answers (1), and with `others` chance the
    answerable question's most word-overlapping other sentences (0)."""
    negatives, answerable = paired_questions(
        folder, rng, unanswerable, per_article,
        keep=lambda item, paragraph: plausible_sentence(item, paragraph) is not None)
    out: list[tuple[str, str, str, int]] = [
        (item["question"], *plausible_sentence(item, para), 0)  # type: ignore[misc]
        for item, para in negatives]
    for q, para, golds in answerable:
        at = next((para.find(a) for a in golds if para.find(a) >= 0), -1)
        found = sentence_at(para, at) if at >= 0 else None
        if found is None:
            continue
        out.append((q["question"], *found, 1))
        if rng.random() < others:
            out += [(q["question"], *other, 0)
                    for other in other_sentences(para, q["question"], golds, per_question)]
    return out


def selection_sets(folders: list[Path], rng: random.Random, per_article: int
                   ) -> list[tuple[str, list[tuple[str, str]], int]]:
    """Held-out answerable questions with every sentence of their paragraph and the index of
    the one holding the gold answer: does the verifier pick the answer's sentence?"""
    out = []
    for folder in folders:
        paragraphs, questions = read_article(folder)
        for q in rng.sample(questions, min(per_article, len(questions))):
            golds = [a for a in q.get("answers", []) if a.strip()]
            para = next((p for p in paragraphs if p.startswith(q["support_any"][0][:60])), None)
            if para is None:
                continue
            sentences = split_sentences(para)
            hits = [i for i, x in enumerate(sentences) if any(a in x.text for a in golds)]
            if len(sentences) > 1 and len(hits) == 1:
                out.append((q["question"], [(sentences[i - 1].text if i else "", x.text)
                                            for i, x in enumerate(sentences)], hits[0]))
    return out


def selection(model: torch.nn.Module, tokenizer, sets: list) -> float:
    """The share of `selection_sets` whose gold sentence the model scores highest."""
    right = 0
    with torch.inference_mode():
        for question, sentences, gold in sets:
            feats = features(tokenizer, [(question, *x, 0) for x in sentences])
            right += int(int(model(**collate(feats)).argmax()) == gold)
    return round(right / max(1, len(sets)), 4)


def features(tokenizer, pairs: list[tuple[str, str, str, int]]) -> list[dict]:
    enc = vf.encode(tokenizer, [p[0] for p in pairs], [vf.pair_text(p[1], p[2]) for p in pairs])
    return [{"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i],
             "attention_mask": enc["attention_mask"][i], "label": p[3]}
            for i, p in enumerate(pairs)]


def auc(scores: list[float], labels: list[int]) -> float:
    """The probability that a random positive outscores a random negative."""
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    y = np.array(labels)
    pos, neg = int(y.sum()), int((1 - y).sum())
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / max(1, pos * neg))


def curve_point(model: torch.nn.Module, feats: list[dict], tokenizer=None,
                sets: list | None = None) -> dict:
    model.eval()
    select = {"select": selection(model, tokenizer, sets)} if sets else {}
    scores: list[float] = []
    with torch.inference_mode():
        for i in range(0, len(feats), 128):
            scores += model(**collate(feats[i:i + 128])).float().tolist()
    model.train()
    labels = [f["label"] for f in feats]
    t = torch.tensor(scores)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(t, torch.tensor(labels).float())
    return {"loss": round(float(loss), 4), "auc": round(auc(scores, labels), 4), **select}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unanswerable", type=float, default=1.0)
    parser.add_argument("--per-article", type=int, default=20)
    parser.add_argument("--other-sentences", type=float, default=0.3)
    parser.add_argument("--others-per-question", type=int, default=1)
    parser.add_argument("--init", type=Path, default=None,
                        help="a verifier folder to go on from (default: the reader's encoder)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--curve-every", type=int, default=200)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=vf.VERIFIER_DIR)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    train_folders, valid_folders = split_squad_train((0, VALIDATION_EVERY // 2))
    train = [p for f in train_folders for p in article_pairs(
        f, rng, args.unanswerable, args.per_article, args.other_sentences,
        args.others_per_question)]
    curve_rng = random.Random(args.seed + 1)
    valid = [p for f in valid_folders for p in article_pairs(f, curve_rng, 0.25, 4, 0.3)]
    sets = selection_sets(valid_folders, random.Random(args.seed + 2), 8)
    tokenizer = rd.load_tokenizer()
    feats, curve_feats = features(tokenizer, train), features(tokenizer, valid)
    print(f"train: {len(feats)} pairs ({sum(1 - f['label'] for f in feats)} negative); "
          f"validation curve: {len(curve_feats)} pairs, {len(sets)} selections", flush=True)

    model = vf.build_model(for_training=True)
    if args.init is not None:
        start = {k: v.float() for k, v in load_file(str(args.init / vf.WEIGHTS_FILE)).items()}
    else:
        start = {k: v.float() for k, v in load_file(str(rd.READER_DIR / rd.WEIGHTS_FILE)).items()
                 if k.startswith("encoder.")}
    model.load_state_dict(start, strict=False)
    steps = int(math.ceil(len(feats) / args.batch) * args.epochs)
    params, optimizer, schedule = optimizer_and_schedule(model, args.lr, steps)
    checkpoints = args.out / "checkpoint"
    step = epoch_start = 0
    curve: list[dict] = []
    if args.resume and (checkpoints / "checkpoint.pt").is_file():
        saved = restore(checkpoints, model, optimizer, schedule)
        step, epoch_start, curve = saved["step"], saved["epoch_start"], saved["curve"]
        rng.setstate(saved["epoch_rng"])
        print(f"resumed at step {step}/{steps}", flush=True)
    if not curve:
        curve.append({"step": step, **curve_point(model, curve_feats, tokenizer, sets)})
        print(f"validation {curve[-1]}", flush=True)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    started = time.time()
    while step < steps:
        epoch_rng = rng.getstate()
        epoch = batches(feats, args.batch, rng)
        for batch in epoch[step - epoch_start:]:
            if step >= steps:
                break
            logits = model(**collate(batch))
            loss = loss_fn(logits, torch.tensor([float(f["label"]) for f in batch]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 25 == 0:
                print(f"step {step}/{steps} loss {loss.item():.3f} "
                      f"{time.time() - started:.0f} s", flush=True)
            if step % args.curve_every == 0 or step == steps:
                curve.append({"step": step, **curve_point(model, curve_feats, tokenizer, sets)})
                print(f"validation {curve[-1]}", flush=True)
            if step % args.checkpoint_every == 0 and step < steps:
                checkpoints.mkdir(parents=True, exist_ok=True)
                state = {"model": {k: v for k, v in model.state_dict().items()
                                   if not k.startswith(rd.FROZEN_PREFIX)},
                         "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                         "step": step, "epoch_start": epoch_start, "epoch_rng": epoch_rng,
                         "curve": curve}
                torch.save(state, checkpoints / "checkpoint.pt.tmp")
                (checkpoints / "checkpoint.pt.tmp").replace(checkpoints / "checkpoint.pt")
        epoch_start = step

    args.out.mkdir(parents=True, exist_ok=True)
    weights = args.out / vf.WEIGHTS_FILE
    save_file(rd.trainable_state(model), str(weights))
    manifest = {"sha256": file_sha256(weights),
                "base_model": "the shipped reader's encoder (models/reader, sha256 "
                              f"{rd.Reader().manifest['sha256']}); word embeddings frozen",
                "init": (f"{args.init} (sha256 {file_sha256(args.init / vf.WEIGHTS_FILE)})"
                         if args.init is not None else "the reader's encoder, a fresh head"),
                "others_per_question": args.others_per_question,
                "command": "python scripts/train_verifier.py " + " ".join(sys.argv[1:]),
                "train_articles": [f.name for f in train_folders],
                "validation_squad_train_articles": [f.name for f in valid_folders],
                "seed": args.seed, "epochs": args.epochs, "lr": args.lr, "batch": args.batch,
                "unanswerable": args.unanswerable, "per_article": args.per_article,
                "other_sentences": args.other_sentences, "max_length": vf.MAX_LENGTH,
                "train_pairs": len(feats), "validation_curve": curve,
                "train_seconds": round(time.time() - started)}
    (args.out / vf.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
