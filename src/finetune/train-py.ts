// The `train.py` that `testtune export` writes: training the exported pairs elsewhere (a GPU box, several
// GPUs) with transformers + PEFT + accelerate, the study's recipe (src/train/recipe.ts values written in),
// and TestTune's layout: a model folder with config.json, model.safetensors and tokenizer.json in, a PEFT
// adapter folder (adapter_config.json + adapter_model.safetensors) out, which `testtune generate
// --adapter` and the fine-tune gate load. Its loop is TestTune's (src/train/loop.ts), written in PyTorch:
// batch 1, each example's mean target loss, averaged over the gradAccumSteps examples of an optimizer
// step (an epoch's remainder is a smaller step), clip, linear schedule with warmup, AdamW; optional main
// sources as language-model chunks and early stopping on validation.jsonl. The one difference: a pair
// longer than maxTokens loses the start of its prompt here, where TestTune drops one-line class members.
import { RECIPE_DEFAULTS, type Recipe } from '../train/recipe';

export interface TrainScriptParams {
  recipe: Recipe; // resolved for the model exported against (targets are the family's)
  modelDir: string; // default --model: the model folder the pairs were exported for
}

const py = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : JSON.stringify(v));

export function trainScript(p: TrainScriptParams): string {
  const r = p.recipe;
  // every method's default learning rate, the exported method's as resolved
  const lr = { ...RECIPE_DEFAULTS.lr, [r.method]: r.lr };
  return `#!/usr/bin/env python3
# Written by \`testtune export\`: trains a PEFT adapter on the exported pairs with the study's recipe
# (Storhaug & Li, 2024, as TestTune's src/train/recipe.ts) and saves it in the layout TestTune loads:
#   testtune generate <File.java> --line N --adapter <out>
#
# One CPU or GPU:   python train.py --out adapter
# Several GPUs:     accelerate launch --multi_gpu --num_processes 4 train.py --out adapter --accum 2
#                   (each process runs batch 1; the effective batch is num_processes x --accum: keep it 8)
# Needs: torch, transformers, peft, accelerate (and, if present, datasets: the JSONL is read with
# datasets.load_dataset('json', ...); without it, with the json module: the same rows).
import argparse
import contextlib
import json
import math
import os
import random

import torch
from accelerate import Accelerator
from peft import IA3Config, LoraConfig, PromptTuningConfig, PromptTuningInit, get_peft_model
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast, get_linear_schedule_with_warmup

HERE = os.path.dirname(os.path.abspath(__file__))

# The recipe (TestTune's defaults, the study's): change them here or on the command line.
LR = ${py(lr)}
BETAS = (${r.beta1}, ${r.beta2})
EPS = ${r.eps}
WEIGHT_DECAY = ${r.weightDecay}
WARMUP_RATIO = ${r.warmupRatio}
GRAD_ACCUM = ${r.gradAccumSteps}
EPOCHS = ${r.epochs}
MAX_GRAD_NORM = ${r.maxGradNorm}
SEED = ${r.seed}
MAX_TOKENS = ${r.maxTokens}
LORA_R = ${r.loraR}
LORA_ALPHA = ${r.loraAlpha}
LORA_DROPOUT = ${r.loraDropout}
LORA_TARGETS = ${py(r.loraTargets)}
IA3_TARGETS = ${py(r.ia3Targets)}
IA3_FEEDFORWARD = ${py(r.ia3Feedforward)}
NUM_VIRTUAL_TOKENS = ${r.numVirtualTokens}
SOURCES_SHARE = ${r.sourcesShare}  # main-source tokens at most this share of the pairs' tokens
PATIENCE = ${r.patience}  # evaluations of validation.jsonl without improvement before stopping


def read_jsonl(path):
    """Rows of a JSONL file: with datasets when installed (the format it loads), else with json."""
    if not os.path.exists(path):
        return []
    try:
        from datasets import load_dataset
    except ImportError:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    return list(load_dataset("json", data_files=path, split="train"))


def encode_pair(tok, row, max_tokens):
    """ids and labels of one pair: loss on the target (the test) only; a long prompt loses its start."""
    src = tok.encode(row["source"], add_special_tokens=False)
    tgt = tok.encode(row["target"], add_special_tokens=False)
    room = max_tokens - len(tgt)
    if room < 1:
        return None
    src = src[-room:] if len(src) > room else src
    return {"input_ids": src + tgt, "labels": [-100] * len(src) + tgt}


def source_chunks(tok, rows, max_tokens, budget, seed):
    """Main sources cut into max_tokens chunks (loss on every token), a seeded sample within the budget."""
    chunks = []
    for row in rows:
        ids = tok.encode(row["text"], add_special_tokens=False)
        for at in range(0, len(ids), max_tokens):
            part = ids[at : at + max_tokens]
            if len(part) >= 32:
                chunks.append({"input_ids": part, "labels": list(part)})
    order = list(range(len(chunks)))
    random.Random(seed).shuffle(order)
    keep, used = [], 0
    for i in order:
        if used + len(chunks[i]["input_ids"]) <= budget:
            keep.append(i)
            used += len(chunks[i]["input_ids"])
    return [chunks[i] for i in sorted(keep)]


def peft_config(method):
    if method == "lora":
        return LoraConfig(r=LORA_R, lora_alpha=LORA_ALPHA, lora_dropout=LORA_DROPOUT, target_modules=LORA_TARGETS, bias="none", task_type="CAUSAL_LM")
    if method == "ia3":
        return IA3Config(target_modules=IA3_TARGETS, feedforward_modules=IA3_FEEDFORWARD, task_type="CAUSAL_LM")
    if method == "prompt":
        return PromptTuningConfig(num_virtual_tokens=NUM_VIRTUAL_TOKENS, prompt_tuning_init=PromptTuningInit.RANDOM, task_type="CAUSAL_LM")
    return None  # full fine-tuning


def mean_loss(model, example, device):
    ids = torch.tensor([example["input_ids"]], device=device)
    labels = torch.tensor([example["labels"]], device=device)
    return model(input_ids=ids, labels=labels).loss  # the mean over this example's target tokens


def main():
    ap = argparse.ArgumentParser(description="Train a TestTune adapter on the exported pairs (the study's recipe).")
    ap.add_argument("--data", default=HERE, help="folder with train.jsonl, validation.jsonl, sources.jsonl (default: this script's folder)")
    ap.add_argument("--model", default=${py(p.modelDir)}, help="TestTune model folder: config.json, model.safetensors, tokenizer.json")
    ap.add_argument("--out", required=True, help="adapter folder to write (adapter_config.json + adapter_model.safetensors)")
    ap.add_argument("--method", default=${py(r.method)}, choices=["lora", "ia3", "prompt", "full"])
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--max-steps", type=int, default=None, help="optimizer steps (overrides --epochs for the schedule)")
    ap.add_argument("--accum", type=int, default=GRAD_ACCUM)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--with-sources", action="store_true", help="add sources.jsonl (main sources) as language-model chunks")
    ap.add_argument("--eval-every", type=int, default=None, help="steps between validation evaluations (default: twice per epoch)")
    ap.add_argument("--patience", type=int, default=PATIENCE, help="0: no early stopping")
    args = ap.parse_args()

    accelerator = Accelerator()
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.model, "tokenizer.json"))
    train_rows = read_jsonl(os.path.join(args.data, "train.jsonl"))
    val_rows = read_jsonl(os.path.join(args.data, "validation.jsonl"))
    if not train_rows:
        raise SystemExit(f"no pairs in {os.path.join(args.data, 'train.jsonl')}")
    examples = [e for e in (encode_pair(tok, r, MAX_TOKENS) for r in train_rows) if e]
    pair_tokens = sum(len(e["input_ids"]) for e in examples)
    if args.with_sources:
        docs = read_jsonl(os.path.join(args.data, "sources.jsonl"))
        chunks = source_chunks(tok, docs, MAX_TOKENS, int(SOURCES_SHARE * pair_tokens), SEED)
        accelerator.print(f"sources: {len(chunks)} chunks from {len(docs)} files")
        examples += chunks
    validation = [e for e in (encode_pair(tok, r, MAX_TOKENS) for r in val_rows) if e] if args.patience > 0 else []

    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    config = peft_config(args.method)
    if config is not None:
        model = get_peft_model(model, config)
    lr = args.lr if args.lr is not None else LR[args.method]
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, betas=BETAS, eps=EPS, weight_decay=WEIGHT_DECAY)
    # each process takes its share of every epoch's examples (one data-parallel replica per GPU)
    per_process = math.ceil(len(examples) / accelerator.num_processes)
    per_epoch = math.ceil(per_process / args.accum)
    total = args.max_steps or args.epochs * per_epoch
    scheduler = get_linear_schedule_with_warmup(optimizer, math.ceil(WARMUP_RATIO * total), total)
    model, optimizer = accelerator.prepare(model, optimizer)
    eval_every = args.eval_every or max(1, math.ceil(per_epoch / 2))
    accelerator.print(f"{len(examples)} examples ({len(train_rows)} pairs), {len(validation)} validation, {total} steps, {args.method}, lr {lr}")

    def validation_loss():
        model.eval()
        with torch.no_grad():
            loss = sum(mean_loss(model, e, accelerator.device).item() for e in validation) / len(validation)
        model.train()
        return loss

    best, best_step, since_best, best_state = math.inf, 0, 0, None
    step, epoch, done = 0, 0, False
    model.train()
    while not done:
        order = list(range(len(examples)))
        random.Random(SEED * 7919 + epoch).shuffle(order)
        mine = order[accelerator.process_index :: accelerator.num_processes]
        for first in range(0, len(mine), args.accum):
            group = mine[first : first + args.accum]
            for k, i in enumerate(group):
                sync = k == len(group) - 1
                with contextlib.nullcontext() if sync else accelerator.no_sync(model):
                    accelerator.backward(mean_loss(model, examples[i], accelerator.device) / len(group))
            accelerator.clip_grad_norm_(params, MAX_GRAD_NORM)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if validation and (step % eval_every == 0 or step >= total):
                loss = validation_loss()
                if loss < best:
                    best, best_step, since_best = loss, step, 0
                    best_state = {n: p.detach().clone() for n, p in accelerator.unwrap_model(model).named_parameters() if p.requires_grad}
                else:
                    since_best += 1
                accelerator.print(f"step {step}/{total} validation loss {loss:.4f} (best {best:.4f} at step {best_step})")
                if since_best >= args.patience:
                    accelerator.print(f"early stop at step {step}: keeping step {best_step}")
                    done = True
                    break
            if step >= total:
                done = True
                break
        epoch += 1

    unwrapped = accelerator.unwrap_model(model)
    if best_state is not None:
        with torch.no_grad():
            for n, p in unwrapped.named_parameters():
                if n in best_state:
                    p.copy_(best_state[n])
    if accelerator.is_main_process:
        unwrapped.save_pretrained(args.out)
        if config is None:
            tok.save_pretrained(args.out)
        print(f"wrote {args.out} after {step} steps" + (f" (best validation step {best_step})" if best_state is not None else ""))


if __name__ == "__main__":
    main()
`;
}
