#!/usr/bin/env bash
# The default model's pipeline, one stage per call (see README.md next to this file).
# Every stage is resumable or idempotent; all intermediate data stays in $DM (default /work/data/dm).
#
#   scripts/default-model/pipeline.sh <stage> [args]
#   stages: cli | data | pairs | init | pretrain [max-steps] | pairs-lm | pretrain2 [max-steps] | pretrain3 [max-steps] | pretrain4 [max-steps] | pretrain5 [max-steps] | pretrain6 [max-steps] | pairs1000 | adapter3 <method> | adapter <method> [max-steps] |
#           eval <name> <model-dir> [adapter-dir|none] | score <name> | ship [name=adapter-dir …]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DM=${DM:-/work/data/dm}
SHARED=${SHARED:-$REPO/../shared}
BENCH=$SHARED/benchmarks/methods2test_small/test.jsonl
TOKENIZER=${TOKENIZER:-$REPO/models/default/tokenizer.json}
THREADS=${THREADS:-2}
EVAL_LIMIT=${EVAL_LIMIT:-100}        # first N benchmark rows (1002 = all)
EVAL_MAX_NEW=${EVAL_MAX_NEW:-256}    # generation limit per test
export NODE_PATH=$REPO/node_modules
CLI="node ${CLI_DIR:-$DM/bin}/cli.js"   # CLI_DIR: another snapshot made by `CLI_DIR=… P cli`
EVAL_DECODING=${EVAL_DECODING:-}      # e.g. "--loop-guard 3 --syntax-guard on" (the product's decoding); empty = the study's greedy
mkdir -p "$DM"
stage=${1:?stage}
shift || true

case $stage in
cli) # private snapshot of the CLI, so long runs survive rebuilds of dist/
  node "$REPO/scripts/build.mjs" --out "${CLI_DIR:-$DM/bin}" --entries cli ;;
data) # pre-training chunks from TRAIN packages (shards when built, plus unpacked package folders)
  args=()
  [ -d /work/data/corpus/pretrain ] && args+=(--shards /work/data/corpus/pretrain)
  node --import tsx "$REPO/scripts/default-model/prepare-pretrain.ts" --tokenizer "$TOKENIZER" \
    --out "$DM/pretrain.jsonl" --dirs "${DIRS:-/work/data/corpus-cache/unpacked}" --budget "${BUDGET:-5000000}" \
    --max-tokens 768 --test-share 0.5 --seed 1 "${args[@]}" ;;
pairs) # mined train pairs (split by package by the corpus build), benchmark-overlap guard
  /usr/bin/python3 "$REPO/scripts/default-model/prepare-pairs.py" /work/data/corpus/pairs/train.jsonl "$BENCH" \
    "$SHARED/corpus/train-packages.txt" "$DM/pairs-train.jsonl" "${MAX_PAIRS:-2000}" ;;
init) # random init: 4 layers x 256, 4 heads (2 KV), FFN 704, 1024 positions, tied embeddings
  node --import tsx "$REPO/scripts/default-model/init-model.ts" --tokenizer "$TOKENIZER" --out "$DM/init" \
    --layers 4 --hidden 256 --heads 4 --kv-heads 2 --ffn 704 --max-pos 1024 --seed 0 ;;
pretrain) # full training from random init on the chunks; rerun to resume
  resume=(); [ -d "$DM/pretrain/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pretrain.jsonl" --method full --model "$DM/init" --out "$DM/pretrain" \
    --max-steps "${1:-350}" --accum 8 --lr 1.5e-3 --max-tokens 1024 --save-every 10 --threads "$THREADS" --json "${resume[@]}" \
    > "$DM/pretrain.out" 2>> "$DM/pretrain.log" ;;
pairs-lm) # stage-2 data: up to 4,000 train pairs as plain LM (source+target, <= 1024 tokens) mixed into the chunks
  /usr/bin/python3 "$REPO/scripts/default-model/prepare-pairs.py" /work/data/corpus/pairs/train.jsonl "$BENCH" \
    "$SHARED/corpus/train-packages.txt" "$DM/pairs-train-all.jsonl"
  node --import tsx "$REPO/scripts/default-model/prepare-pairs-lm.ts" --tokenizer "$TOKENIZER" --pairs "$DM/pairs-train-all.jsonl" \
    --out "$DM/pretrain2.jsonl" --max-pairs 4000 --mix "$DM/pretrain.jsonl" --seed 2 ;;
pretrain2) # continue the pre-trained model on the mixed stage-2 data (new warmup + decay); rerun to resume
  resume=(); [ -d "$DM/pretrain2/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pretrain2.jsonl" --method full --model "$DM/pretrain" --out "$DM/pretrain2" \
    --max-steps "${1:-260}" --accum 8 --lr 1e-3 --seed 7 --max-tokens 1024 --save-every 10 --threads "$THREADS" --json "${resume[@]}" \
    > "$DM/pretrain2.out" 2>> "$DM/pretrain2.log" ;;
pretrain3) # stage 3: 12,000 of all 37,184 train pairs as plain LM mixed with the chunks (pretrain3.jsonl, see README), from pretrain2
  resume=(); [ -d "$DM/pretrain3/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pretrain3.jsonl" --method full --model "$DM/pretrain2" --out "$DM/pretrain3" \
    --max-steps "${1:-900}" --accum 8 --lr 1e-3 --seed 11 --max-tokens 1024 --save-every 10 --threads "$THREADS" --json "${resume[@]}" \
    > "$DM/pretrain3.out" 2>> "$DM/pretrain3.log" ;;
adapter) # the study's recipe (defaults of src/train/recipe.ts) on the mined train pairs, capped at max-steps
  m=${1:?method}; out=$DM/ft-$m
  resume=(); [ -d "$out/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pairs-train.jsonl" --method "$m" --model "${BASE:-$DM/pretrain}" --out "$out" \
    --max-steps "${2:-30}" --max-tokens 1024 --save-every 5 --threads "$THREADS" --json "${resume[@]}" \
    > "$out.out" 2>> "$out.log" ;;
pretrain4) # stage 4: the train pairs neither stage 3 nor the adapters saw (pretrain4.jsonl, see README) + 2,500 chunks, from pretrain3
  resume=(); [ -d "$DM/pretrain4/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pretrain4.jsonl" --method full --model "$DM/pretrain3" --out "$DM/pretrain4" \
    --max-steps "${1:-2252}" --accum 8 --lr 8e-4 --seed 13 --max-tokens 1024 --save-every 10 --threads "$THREADS" --json "${resume[@]}" \
    > "$DM/pretrain4.out" 2>> "$DM/pretrain4.log" ;;
pretrain5) # stage 5: the train pairs over 1,024 tokens, source cut from the left (pretrain5.jsonl, see README), from pretrain4
  resume=(); [ -d "$DM/pretrain5/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pretrain5.jsonl" --method full --model "$DM/pretrain4" --out "$DM/pretrain5" \
    --max-steps "${1:-700}" --accum 8 --lr 8e-4 --seed 17 --max-tokens 1024 --save-every 10 --threads "$THREADS" --json "${resume[@]}" \
    > "$DM/pretrain5.out" 2>> "$DM/pretrain5.log" ;;
pretrain6) # stage 6: a second epoch over the stage-3 and stage-4 LM rows (pretrain6.jsonl = both, shuffled; see README), from pretrain4
  resume=(); [ -d "$DM/pretrain6/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pretrain6.jsonl" --method full --model "$DM/pretrain4" --out "$DM/pretrain6" \
    --max-steps "${1:-2400}" --accum 8 --lr 6e-4 --seed 19 --max-tokens 1024 --save-every 10 --threads "$THREADS" --json "${resume[@]}" \
    > "$DM/pretrain6.out" 2>> "$DM/pretrain6.log" ;;
pairs1000) # 1,000 train pairs of ~600 tokens (330..1,024) that the stage-3 LM mix did not contain
  node --import tsx "$REPO/scripts/default-model/select-pairs.ts" --pairs "$DM/pairs-train-full.jsonl" --tokenizer "$TOKENIZER" \
    --out "$DM/pairs-1000.jsonl" --n 1000 --min 330 --max 1024 --seed 5 --exclude "$DM/pretrain3.jsonl" ;;
adapter3) # the study's recipe for its full 3 epochs on pairs-1000.jsonl (1,000 pairs x 3 epochs / 8 accumulation = 375 steps)
  m=${1:?method}; out=$DM/${FT:-ft3}-$m   # FT=ft4 BASE=$DM/pretrain4 for the stage-4 base
  resume=(); [ -d "$out/checkpoint" ] && resume=(--resume)
  nice -n 5 $CLI train --data "$DM/pairs-1000.jsonl" --method "$m" --model "${BASE:-$DM/pretrain3}" --out "$out" \
    --epochs 3 --max-tokens 1024 --save-every 25 --threads "$THREADS" --json "${resume[@]}" \
    > "$out.out" 2>> "$out.log" ;;
eval) # generate on the first $EVAL_LIMIT benchmark rows, keep the predictions, score (chars)
  name=${1:?name}; model=${2:?model}; adapter=${3:-none}
  mkdir -p "$DM/eval"
  nice -n 5 $CLI eval --data "$BENCH" --model "$model" --adapter "$adapter" --provider cpu --limit "$EVAL_LIMIT" \
    --max-new-tokens "$EVAL_MAX_NEW" $EVAL_DECODING --method "$name" --out "$DM/eval/$name.jsonl" --tokenizer chars \
    --save "$DM/eval/$name.chars.json" 2> "$DM/eval/$name.log"
  $CLI eval --data "$DM/eval/$name.jsonl" --method "$name" --tokenizer whitespace --save "$DM/eval/$name.whitespace.json" > /dev/null ;;
ship) # F16 weights + config into models/default, adapters into models/default/adapters/<name>
  args=(); for a in "$@"; do args+=(--adapter "$a"); done
  node --import tsx "$REPO/scripts/default-model/ship.ts" --model "${MODEL:-$DM/pretrain}" "${args[@]}" ;;
*) echo "unknown stage $stage" >&2; exit 2 ;;
esac
