#!/usr/bin/env bash
# `testtune export` end to end with the Python stack: export a repository's pairs, train a LoRA adapter
# with the exported train.py (transformers + PEFT + accelerate) for a few steps, generate with that
# adapter in TestTune (`testtune eval --model --adapter`, the study's greedy decoding) and check the
# predictions equal PEFT's own greedy output token for token (scripts/export_roundtrip_check.py).
# usage: scripts/export-roundtrip.sh <repoDir> <workDir>   (PYTHON=python with torch, transformers,
#        peft, accelerate; STEPS optimizer steps, default 4; ROWS test rows compared, default 3)
set -euo pipefail
repo=${1:?usage: export-roundtrip.sh <repoDir> <workDir>}
work=${2:?usage: export-roundtrip.sh <repoDir> <workDir>}
py=${PYTHON:-python3}
steps=${STEPS:-4}
rows=${ROWS:-3}
new=${MAX_NEW:-48}
model=models/default
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
mkdir -p "$work"
t0=$(date +%s)
npx tsx src/cli/main.ts export "$repo" --out "$work/export" --model "$model"
t1=$(date +%s)
"$py" "$work/export/train.py" --model "$model" --out "$work/adapter" --max-steps "$steps"
t2=$(date +%s)
npx tsx src/cli/main.ts eval --data "$work/export/test.jsonl" --model "$model" --adapter "$work/adapter" --decoding study \
  --max-new-tokens "$new" --limit "$rows" --out "$work/testtune-preds.jsonl" --json > "$work/eval.json"
t3=$(date +%s)
"$py" scripts/export_roundtrip_check.py "$model" "$work/adapter" "$work/testtune-preds.jsonl" "$new"
echo "seconds: export $((t1 - t0)), train.py $((t2 - t1)), testtune eval $((t3 - t2)), check $(($(date +%s) - t3))"
