#!/usr/bin/env bash
# After stage 6: held-out loss, the shipped adapters (LoRA, (IA)3, prompt) on the v6 base and their Table IV rows
# (greedy, and the product's decoding for LoRA), two queues pinned to one core each.
set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
export DM=${DM:-/work/data/dm}
P=$REPO/scripts/default-model/pipeline.sh
L=$DM/stage6-after.log
until grep -q '"status": "completed"' $DM/pretrain6/training_report.json 2>/dev/null; do sleep 15; done
echo "stage 6 done $(date -u +%T)" >> $L
export BASE=$DM/pretrain6 FT=ft6 THREADS=1 EVAL_LIMIT=1002 CLI_DIR=$DM/bin6 NODE_PATH=$REPO/node_modules
(
  taskset -c 0 $P adapter3 lora; echo "lora trained $(date -u +%T)" >> $L
  taskset -c 0 $P eval v6-lora $DM/pretrain6 $DM/ft6-lora; echo "v6-lora evaluated $(date -u +%T)" >> $L
  EVAL_DECODING="--loop-guard 3 --syntax-guard on" taskset -c 0 $P eval v6-lora-product $DM/pretrain6 $DM/ft6-lora; echo "v6-lora-product evaluated $(date -u +%T)" >> $L
  taskset -c 0 $P eval v6-base $DM/pretrain6 none; echo "v6-base evaluated $(date -u +%T)" >> $L
) &
(
  (cd $REPO && taskset -c 1 node --import tsx scripts/default-model/heldout-loss.ts $DM/pretrain6 $DM/valid-200.jsonl 200 > $DM/heldout-v6.txt 2>&1); echo "heldout $(tail -1 $DM/heldout-v6.txt) $(date -u +%T)" >> $L
  taskset -c 1 $P adapter3 ia3; echo "ia3 trained $(date -u +%T)" >> $L
  taskset -c 1 $P adapter3 prompt; echo "prompt trained $(date -u +%T)" >> $L
  taskset -c 1 $P eval v6-ia3 $DM/pretrain6 $DM/ft6-ia3; echo "v6-ia3 evaluated $(date -u +%T)" >> $L
  taskset -c 1 $P eval v6-prompt $DM/pretrain6 $DM/ft6-prompt; echo "v6-prompt evaluated $(date -u +%T)" >> $L
) &
wait
echo "all done $(date -u +%T)" >> $L
