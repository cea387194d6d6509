"""The study's own stack as the benchmark's anchor (scripts/bench/anchors.ts): transformers 5.17 and
PEFT 0.21 on torch 2.13 CPU, loading a TestTune model folder (config.json + model.safetensors) as it is.

  python hf_anchor.py decode MODEL_DIR --threads 2 --prompt 64 --decode 128 --reps 3
    transformers generate, greedy, KV cache, F32: decode tokens/s = new tokens / (generate time - the
    prompt's forward pass timed alone), median of reps.
  python hf_anchor.py lora MODEL_DIR --threads 2 --examples 10 --accum 5 --prompt P --target T
    PEFT LoRA (r 16, alpha 32, dropout 0.1 on q_proj and v_proj, TestTune's recipe), AdamW (lr 3e-4,
    weight decay 0) with gradient clipping 1.0, batch 1, loss on the T target tokens of each P + T token
    sequence, an optimizer step every `accum` examples: tokens/s over every micro-step (the first
    included, as TestTune's training report counts them).
Each prints one JSON line.
"""
import argparse
import json
import resource
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM


def decode(a):
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.float32).eval()
    V = min(model.config.vocab_size, 256)
    ids = torch.tensor([[(i * 7919) % V + 1 for i in range(a.prompt)]])
    rates, cpu_rates = [], []
    with torch.inference_mode():
        model.generate(ids, max_new_tokens=4, do_sample=False)  # warm-up
        for _ in range(a.reps):
            t0, c0 = time.perf_counter(), time.process_time()
            model(ids)
            prefill, prefill_cpu = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            out = model.generate(ids, max_new_tokens=a.decode + 1, min_new_tokens=a.decode + 1, do_sample=False, use_cache=True)
            total, total_cpu = time.perf_counter() - t0, time.process_time() - c0
            assert out.shape[1] == a.prompt + a.decode + 1
            rates.append(a.decode / max(1e-9, total - prefill))
            cpu_rates.append(a.decode / max(1e-9, total_cpu - prefill_cpu))
    med = lambda xs: sorted(xs)[len(xs) // 2]
    print(json.dumps({'decode_tok_s': med(rates), 'decode_tok_per_cpu_s': med(cpu_rates), 'runs': rates}))


def lora(a):
    model = AutoModelForCausalLM.from_pretrained(a.model, dtype=torch.float32)
    model = get_peft_model(model, LoraConfig(r=16, lora_alpha=32, lora_dropout=0.1, target_modules=['q_proj', 'v_proj'], task_type='CAUSAL_LM'))
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=3e-4, weight_decay=0.0)
    V = model.config.vocab_size
    g = torch.Generator().manual_seed(0)
    n = a.prompt + a.target
    examples = [torch.randint(1, V, (1, n), generator=g) for _ in range(a.examples)]
    tokens, losses = 0, []
    t0, c0 = time.perf_counter(), time.process_time()
    for i, ids in enumerate(examples):
        labels = ids.clone()
        labels[:, :a.prompt] = -100
        loss = model(input_ids=ids, labels=labels).loss / a.accum
        loss.backward()
        losses.append(loss.item() * a.accum)
        tokens += n
        if (i + 1) % a.accum == 0:
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({'tokens_per_s': tokens / wall, 'tokens_per_cpu_s': tokens / cpu, 'first_loss': losses[0], 'last_loss': losses[-1],
                      'peak_rss_bytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('what', choices=['decode', 'lora'])
    ap.add_argument('model')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--prompt', type=int, default=64)
    ap.add_argument('--decode', type=int, default=128)
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--examples', type=int, default=10)
    ap.add_argument('--accum', type=int, default=5)
    ap.add_argument('--target', type=int, default=200)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    decode(args) if args.what == 'decode' else lora(args)
