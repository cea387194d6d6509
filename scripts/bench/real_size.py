"""Anchor and weight source of scripts/bench/real-size.ts: a random model with Qwen2.5-Coder-0.5B's
shapes (hidden 896, 24 layers, 14 heads / 2 KV heads, FFN 4864, vocab 151936, tied embeddings, q/k/v
biases), saved as F16 safetensors so TestTune and transformers read the same weights.

  python real_size.py make DIR [--layers N] [--shape 0.5b|1.5b]
  python real_size.py measure DIR --threads T --prefill P --decode D
measure prints one JSON line: transformers 5.17 greedy generate with its KV cache, F32, on CPU.
"""
import json
import resource
import sys
import time

import torch
from transformers import AutoModelForCausalLM, Qwen2Config


SHAPES = {'0.5b': dict(hidden_size=896, intermediate_size=4864, num_attention_heads=14),
          '1.5b': dict(hidden_size=1536, intermediate_size=8960, num_attention_heads=12)}


def make(folder, layers, shape='0.5b'):
    cfg = Qwen2Config(**SHAPES[shape], num_hidden_layers=layers,
                      num_key_value_heads=2, vocab_size=151936, max_position_embeddings=32768, rms_norm_eps=1e-6,
                      rope_parameters={'rope_type': 'default', 'rope_theta': 1000000.0}, tie_word_embeddings=True,
                      bos_token_id=151643, eos_token_id=151643)
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(cfg, dtype=torch.float16)
    model.save_pretrained(folder, safe_serialization=True, max_shard_size='2GB')


def measure(folder, threads, prefill, decode):
    torch.set_num_threads(threads)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
    ids = torch.tensor([[(i * 7919) % 50000 for i in range(prefill)]])
    with torch.no_grad():
        model(ids[:, :16])  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        model(ids)
        prefill_s, prefill_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        out = model.generate(ids, max_new_tokens=decode + 1, min_new_tokens=decode + 1, do_sample=False, use_cache=True)
        total, total_cpu = time.perf_counter() - t0, time.process_time() - c0
    assert out.shape[1] == prefill + decode + 1
    # generate = one prefill + decode steps: the steps' rate excludes the prefill measured alone
    print(json.dumps({'prefill_tok_s': prefill / prefill_s, 'decode_tok_s': decode / max(1e-9, total - prefill_s),
                      'decode_tok_per_cpu_s': decode / max(1e-9, total_cpu - prefill_cpu),
                      'peak_rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


if __name__ == '__main__':
    if sys.argv[1] == 'make':
        a = sys.argv
        make(a[2], int(a[a.index('--layers') + 1]) if '--layers' in a else 24, a[a.index('--shape') + 1] if '--shape' in a else '0.5b')
    else:
        a = sys.argv
        measure(a[2], int(a[a.index('--threads') + 1]), int(a[a.index('--prefill') + 1]), int(a[a.index('--decode') + 1]))
