#!/usr/bin/python3
"""PyTorch eager anchor for the inference benchmark: the same Llama weights (read from
model.safetensors with a small reader: Debian has no python3-safetensors), the same math as
src/model/llama.ts, on CPU. Measures prefill of N tokens and greedy decoding with a KV cache
(torch.cat per step, as Hugging Face eager does). Prints one JSON object per thread count.

With --quantize int8 every linear layer (the tied LM head included, like TestTune's int8 graph) is
replaced by torch.quantization.quantize_dynamic's int8 Linear (weights int8 per tensor, activations
quantised dynamically), so int8 is compared like with like. Quantised engine: fbgemm when the build
has it, else qnnpack (Debian's 1.13 has qnnpack and onednn only; onednn measured ~10x slower than
qnnpack for these single-token Linear calls). Set GLOG_minloglevel=2 to hush qnnpack's per-call warning.

usage: /usr/bin/python3 scripts/bench/torch_infer.py MODEL_DIR [--prefill 1024] [--decode 128]
       [--threads 1,2] [--reps 3] [--quantize none|int8]
Run with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (see TRAPS.md)."""
import argparse, json, math, struct, sys, time

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, 'rb') as f:
        buf = f.read()
    n = struct.unpack('<Q', buf[:8])[0]
    header = json.loads(buf[8:8 + n])
    base = 8 + n
    out = {}
    dt = {'F32': np.float32, 'F16': np.float16}
    for name, t in header.items():
        if name == '__metadata__':
            continue
        b, e = t['data_offsets']
        if t['dtype'] == 'BF16':
            raw = np.frombuffer(buf[base + b:base + e], dtype=np.uint16).astype(np.uint32) << 16
            arr = raw.view(np.float32)
        else:
            arr = np.frombuffer(buf[base + b:base + e], dtype=dt[t['dtype']]).astype(np.float32)
        out[name] = torch.from_numpy(arr.reshape(t['shape']).copy())
    return out


class Llama:
    def __init__(self, cfg, w):
        self.cfg, self.w = cfg, w
        self.H = cfg['num_attention_heads']
        self.KV = cfg.get('num_key_value_heads', self.H)
        self.D = cfg.get('head_dim', cfg['hidden_size'] // self.H)
        self.eps = cfg.get('rms_norm_eps', 1e-6)
        inv = 1.0 / (cfg.get('rope_theta', 10000.0) ** (torch.arange(0, self.D, 2, dtype=torch.float32) / self.D))
        t = torch.arange(cfg.get('max_position_embeddings', 2048), dtype=torch.float32)
        emb = torch.cat([torch.outer(t, inv)] * 2, dim=-1)
        self.cos, self.sin = emb.cos(), emb.sin()
        self.head = w.get('lm_head.weight', w['model.embed_tokens.weight'])
        self.linears = None

    def quantize_int8(self):
        names = [n for n, t in self.w.items() if t.dim() == 2 and n != 'model.embed_tokens.weight'] + ['@head']
        mods = torch.nn.ModuleDict()
        for n in names:
            t = self.head if n == '@head' else self.w[n]
            lin = torch.nn.Linear(t.shape[1], t.shape[0], bias=False)
            lin.weight.data.copy_(t)
            mods[n.replace('.', '_')] = lin
        self.linears = torch.quantization.quantize_dynamic(mods, {torch.nn.Linear}, dtype=torch.qint8)

    def lin(self, x, name):
        if self.linears is not None:
            return self.linears[name.replace('.', '_')](x)
        return F.linear(x, self.head if name == '@head' else self.w[name])

    def norm(self, x, wt):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * wt

    def rope(self, x, cos, sin):  # x [b, h, s, d]
        h = self.D // 2
        rot = torch.cat([-x[..., h:], x[..., :h]], dim=-1)
        return x * cos + rot * sin

    def forward(self, ids, cache, last_only=True):
        w, H, KV, D = self.w, self.H, self.KV, self.D
        b, s = ids.shape
        past = 0 if cache[0] is None else cache[0][0].shape[2]
        x = F.embedding(ids, w['model.embed_tokens.weight'])
        cos = self.cos[past:past + s][None, None]
        sin = self.sin[past:past + s][None, None]
        mask = torch.full((s, past + s), float('-inf')).triu(past + 1)
        for i in range(self.cfg['num_hidden_layers']):
            p = f'model.layers.{i}.'
            h = self.norm(x, w[p + 'input_layernorm.weight'])
            q = self.lin(h, p + 'self_attn.q_proj.weight').view(b, s, H, D).transpose(1, 2)
            k = self.lin(h, p + 'self_attn.k_proj.weight').view(b, s, KV, D).transpose(1, 2)
            v = self.lin(h, p + 'self_attn.v_proj.weight').view(b, s, KV, D).transpose(1, 2)
            q, k = self.rope(q, cos, sin), self.rope(k, cos, sin)
            if cache[i] is not None:
                k = torch.cat([cache[i][0], k], dim=2)
                v = torch.cat([cache[i][1], v], dim=2)
            cache[i] = (k, v)
            if KV != H:
                k = k.repeat_interleave(H // KV, dim=1)
                v = v.repeat_interleave(H // KV, dim=1)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D) + mask, dim=-1)
            o = (att @ v).transpose(1, 2).reshape(b, s, H * D)
            x = x + self.lin(o, p + 'self_attn.o_proj.weight')
            h = self.norm(x, w[p + 'post_attention_layernorm.weight'])
            g = self.lin(h, p + 'mlp.gate_proj.weight')
            x = x + self.lin(F.silu(g) * self.lin(h, p + 'mlp.up_proj.weight'), p + 'mlp.down_proj.weight')
        if last_only:
            x = x[:, -1:]
        return self.lin(self.norm(x, w['model.norm.weight']), '@head')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--prefill', type=int, default=1024)
    ap.add_argument('--decode', type=int, default=128)
    ap.add_argument('--decode-prompt', type=int, default=64)
    ap.add_argument('--threads', default='1,2')
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--quantize', choices=['none', 'int8'], default='none')
    ap.add_argument('--qengine', default=None, help='quantized engine (default: fbgemm if built, else qnnpack)')
    a = ap.parse_args()
    t0 = time.perf_counter()
    cfg = json.load(open(f'{a.model}/config.json'))
    model = Llama(cfg, read_safetensors(f'{a.model}/model.safetensors'))
    if a.quantize == 'int8':
        engines = torch.backends.quantized.supported_engines
        torch.backends.quantized.engine = a.qengine or ('fbgemm' if 'fbgemm' in engines else 'qnnpack')
        model.quantize_int8()
    load_ms = (time.perf_counter() - t0) * 1000
    L = cfg['num_hidden_layers']
    V = min(cfg['vocab_size'], 256)
    g = torch.Generator().manual_seed(0)
    for th in [int(t) for t in a.threads.split(',')]:
        torch.set_num_threads(th)
        with torch.inference_mode():
            ids = torch.randint(0, V, (1, a.prefill), generator=g)
            model.forward(ids[:, :64], [None] * L)  # warm-up
            pre, pre_cpu = [], []
            for _ in range(a.reps):
                t, c = time.perf_counter(), time.process_time()
                model.forward(ids, [None] * L)
                pre.append((time.perf_counter() - t) * 1000)
                pre_cpu.append((time.process_time() - c) * 1000)
            dec, dec_cpu = [], []
            for _ in range(a.reps):
                cache = [None] * L
                logits = model.forward(ids[:, :a.decode_prompt], cache)
                t, c = time.perf_counter(), time.process_time()
                for _ in range(a.decode):
                    nxt = logits[0, -1].argmax().view(1, 1)
                    logits = model.forward(nxt, cache)
                dec.append(a.decode / (time.perf_counter() - t))
                dec_cpu.append((time.process_time() - c) * 1000 / a.decode)
        med = lambda xs: sorted(xs)[len(xs) // 2]
        print(json.dumps({'threads': th, 'load_ms': load_ms, 'prefill_ms': med(pre), 'prefill_cpu_ms': med(pre_cpu),
                          'decode_tok_s': med(dec), 'decode_cpu_ms_per_tok': med(dec_cpu), 'quantize': a.quantize, 'qengine': torch.backends.quantized.engine if a.quantize == 'int8' else None, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
