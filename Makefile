# Two commands for a fresh machine: `make run` (serve the app) and `make test` (all tests).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium

.PHONY: run test index venv browser ocr bench lint clean-index train-reader

run: $(STAMP) ocr index
	$(BIN)/python app.py

test: $(STAMP) browser ocr
	$(BIN)/ruff check qa tests app.py
	$(BIN)/python -m pytest -q -ra
	$(BIN)/qa eval tests/data/dev.jsonl
	$(BIN)/qa eval tests/data/extra.jsonl
	$(BIN)/qa eval tests/data/chat-dev.jsonl

venv: $(STAMP)

# torch is pinned to the CPU wheel this machine keeps on disk (an unpinned torch pulls CUDA).
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test,bench,scale]'
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/qa build --if-needed

# Scanned PDFs and images are read by Debian's Tesseract; without it (no root, say) they are
# refused with a message naming this target, and everything else works.
ocr:
	@command -v tesseract >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null) || \
		echo "warning: could not install tesseract-ocr; scans will be refused (make ocr as root)"

# Browser tests drive Debian's chromium (Playwright's own browser download fails offline).
browser:
	@test -x $(CHROMIUM) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium >/dev/null)

bench: $(STAMP) index
	$(BIN)/qa bench

# Retrain the span reader in models/reader/ on ../shared/eval: six stages, about 35 + 95 + 45
# + 51 + 74 + 64 min on 2 CPU cores, then the decision is calibrated on the validation articles (15 min);
# the weights are committed, so neither `make run` nor `make test` needs this. A finished stage
# is not run again; `make train-reader RESUME=--resume` goes on from the checkpoint of the one
# that was cut short. Stage 3 needs Debian's wordnet-base.
WORDNET := /usr/share/wordnet/index.noun
train-reader: $(STAMP) runs/reader-s6/reader.safetensors runs/verifier/verifier.safetensors
	rm -rf runs/valid && $(BIN)/python scripts/validation_set.py runs/valid
	QA_READER_DIR=runs/reader-s6 QA_VERIFIER_DIR=runs/verifier \
	    $(BIN)/qa eval runs/valid --details runs/valid.jsonl
	$(BIN)/python scripts/calibrate.py runs/valid.jsonl --reader runs/reader-s6
	mkdir -p models/reader models/verifier && cp runs/reader-s6/reader.safetensors \
	    runs/reader-s6/manifest.json models/reader/
	cp runs/verifier/verifier.safetensors runs/verifier/manifest.json models/verifier/

# The sentence verifier (scripts/train_verifier.py): from the last stage's encoder, one thread,
# about 53 min on this machine; RESUME=--resume goes on from runs/verifier/checkpoint/.
runs/verifier/verifier.safetensors: runs/reader-s6/reader.safetensors
	QA_READER_DIR=runs/reader-s6 $(BIN)/python scripts/train_verifier.py --out runs/verifier \
	    $(RESUME)

runs/reader-base/reader.safetensors: | $(STAMP)
	@test -f $(WORDNET) || { echo "stage 3 needs WordNet: apt-get install wordnet-base"; exit 1; }
	$(BIN)/python scripts/train_reader.py --out runs/reader-base $(RESUME)

runs/reader-warm/reader.safetensors: runs/reader-base/reader.safetensors
	$(BIN)/python scripts/train_reader.py --init runs/reader-base --out runs/reader-warm \
	    --per-article 50 --negatives 0.3 --repeat-unanswerable 2 --epochs 1 --lr 5e-5 \
	    --batch 32 --seed 29 --bf16 $(RESUME)

runs/reader-para/reader.safetensors: runs/reader-warm/reader.safetensors
	$(BIN)/python scripts/train_reader.py --init runs/reader-warm --out runs/reader-para \
	    --per-article 12 --paraphrases 0.7 --negatives 0.3 --repeat-unanswerable 2 --epochs 1 \
	    --lr 3e-5 --batch 32 --seed 31 --bf16 $(RESUME)

runs/reader-unans/reader.safetensors: runs/reader-para/reader.safetensors
	$(BIN)/python scripts/train_reader.py --init runs/reader-para --out runs/reader-unans \
	    --real-unanswerable 0.65 --per-article 6 --epochs 1 --lr 3e-5 --batch 32 --seed 37 \
	    --bf16 --checkpoint-every 50 $(RESUME)

# Stage 5: every real unanswerable question of the training articles (the other 35 % too),
# a second pass at a lower rate (1,092 steps, 4,417 s on the 2 cores).
runs/reader-unans2/reader.safetensors: runs/reader-unans/reader.safetensors
	$(BIN)/python scripts/train_reader.py --init runs/reader-unans --out runs/reader-unans2 \
	    --real-unanswerable 1.0 --per-article 4 --epochs 1 --lr 2e-5 --batch 32 --seed 41 \
	    --bf16 --checkpoint-every 50 $(RESUME)

# Stage 6: half the real unanswerable questions again, beside 40 answerable questions per
# training article (a new seeded sample; 1,062 steps, 3,855 s on the 2 cores).
runs/reader-s6/reader.safetensors: runs/reader-unans2/reader.safetensors
	$(BIN)/python scripts/train_reader.py --init runs/reader-unans2 --out runs/reader-s6 \
	    --real-unanswerable 0.5 --per-article 40 --epochs 1 --lr 2e-5 --batch 32 --seed 43 \
	    --bf16 --checkpoint-every 50 $(RESUME)

lint: $(STAMP)
	$(BIN)/ruff check qa tests app.py

clean-index:
	rm -rf index/g-* index/CURRENT
