#!/usr/bin/env bash
# Trains the study's four tuning methods on the base model, one after the other (each resumable:
# rerun to continue), then evaluates each on the benchmark subset. Steps per method: $STEPS (default 20).
#   BASE=$DM/pretrain STEPS=20 EVAL_LIMIT=50 scripts/default-model/adapters.sh [methods…]
set -euo pipefail
here=$(dirname "$0")
DM=${DM:-/work/data/dm}
export BASE=${BASE:-$DM/pretrain}
methods=${*:-lora ia3 prompt full}
for m in $methods; do
  "$here/pipeline.sh" adapter "$m" "${STEPS:-20}"
done
for m in $methods; do
  if [ "$m" = full ]; then "$here/pipeline.sh" eval full "$DM/ft-full" none
  else "$here/pipeline.sh" eval "$m" "$BASE" "$DM/ft-$m"; fi
done
