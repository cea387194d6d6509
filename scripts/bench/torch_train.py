#!/usr/bin/python3
"""PyTorch eager anchor for the training benchmark: the same Llama weights and math as
src/model/llama.ts, the same adapter placement as src/train (LoRA r16/alpha32/dropout 0.1 on q_proj and
v_proj; (IA)^3 on k_proj, v_proj and down_proj (down_proj scales its input); 20 soft-prompt tokens;
full fine-tuning of every weight), the same sequences (batch 1, a prompt of P tokens then a target of
T tokens, loss on the target only) and AdamW with gradient clipping, as a Hugging Face Trainer step
does it in eager mode: logits for every position, cross-entropy with ignore_index=-100.

Prints one JSON line: tokens/s over all micro-steps (the first included, as in the TestTune
measurement), tokens per CPU-second of the process over the same span (robust on a shared machine), peak RSS of this process, and the loss of the first and last micro-step.

usage: /usr/bin/python3 scripts/bench/torch_train.py MODEL_DIR --method lora|ia3|prompt|full
       [--threads 1] [--examples 10] [--accum 5] [--prompt 400] [--target 200]
Run with OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset (see TRAPS.md)."""
import argparse, json, math, os, resource, sys, time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_infer import read_safetensors  # noqa: E402  (same reader as the inference anchor)


class Model:
    def __init__(self, cfg, w, method):
        self.cfg, self.w, self.method = cfg, w, method
        self.H = cfg['num_attention_heads']
        self.KV = cfg.get('num_key_value_heads', self.H)
        self.D = cfg.get('head_dim', cfg['hidden_size'] // self.H)
        self.eps = cfg.get('rms_norm_eps', 1e-6)
        hid = cfg['hidden_size']
        inv = 1.0 / (cfg.get('rope_theta', 10000.0) ** (torch.arange(0, self.D, 2, dtype=torch.float32) / self.D))
        t = torch.arange(cfg.get('max_position_embeddings', 2048), dtype=torch.float32)
        emb = torch.cat([torch.outer(t, inv)] * 2, dim=-1)
        self.cos, self.sin = emb.cos(), emb.sin()
        g = torch.Generator().manual_seed(0)
        self.params = []
        self.lora, self.ia3, self.prompt = {}, {}, None
        L = cfg['num_hidden_layers']
        dims = {'q_proj': (hid, self.H * self.D), 'k_proj': (hid, self.KV * self.D), 'v_proj': (hid, self.KV * self.D),
                'down_proj': (cfg['intermediate_size'], hid)}
        if method == 'full':
            for v in w.values():
                v.requires_grad_(True)
                self.params.append(v)
        for i in range(L):
            if method == 'lora':
                for m in ('q_proj', 'v_proj'):
                    din, dout = dims[m]
                    a = ((torch.rand(16, din, generator=g) * 2 - 1) / math.sqrt(din)).requires_grad_(True)
                    b = torch.zeros(dout, 16).requires_grad_(True)
                    self.lora[(i, m)] = (a, b)
                    self.params += [a, b]
            if method == 'ia3':
                for m in ('k_proj', 'v_proj', 'down_proj'):
                    din, dout = dims[m]
                    v = torch.ones(din if m == 'down_proj' else dout).requires_grad_(True)
                    self.ia3[(i, m)] = v
                    self.params.append(v)
        if method == 'prompt':
            self.prompt = torch.randn(20, hid, generator=g).requires_grad_(True)
            self.params.append(self.prompt)
        self.head = w.get('lm_head.weight', w['model.embed_tokens.weight'])

    def norm(self, x, wt):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * wt

    def rope(self, x, cos, sin):
        h = self.D // 2
        return x * cos + torch.cat([-x[..., h:], x[..., :h]], dim=-1) * sin

    def linear(self, x, i, name, path):
        w = self.w[f'model.layers.{i}.{path}.weight']
        l = self.ia3.get((i, name))
        if l is not None and name == 'down_proj':
            x = x * l
        y = F.linear(x, w)
        ab = self.lora.get((i, name))
        if ab is not None:
            y = y + F.linear(F.linear(F.dropout(x, 0.1, True), ab[0]), ab[1]) * 2.0
        if l is not None and name != 'down_proj':
            y = y * l
        return y

    def loss(self, ids, labels):
        w, H, KV, D = self.w, self.H, self.KV, self.D
        x = F.embedding(ids, w['model.embed_tokens.weight'])
        p = 0
        if self.prompt is not None:
            x = torch.cat([self.prompt[None], x], dim=1)
            p = self.prompt.shape[0]
        b, s = x.shape[:2]
        cos, sin = self.cos[:s][None, None], self.sin[:s][None, None]
        mask = torch.full((s, s), float('-inf')).triu(1)
        for i in range(self.cfg['num_hidden_layers']):
            pre = f'model.layers.{i}.'
            h = self.norm(x, w[pre + 'input_layernorm.weight'])
            q = self.linear(h, i, 'q_proj', 'self_attn.q_proj').view(b, s, H, D).transpose(1, 2)
            k = self.linear(h, i, 'k_proj', 'self_attn.k_proj').view(b, s, KV, D).transpose(1, 2)
            v = self.linear(h, i, 'v_proj', 'self_attn.v_proj').view(b, s, KV, D).transpose(1, 2)
            q, k = self.rope(q, cos, sin), self.rope(k, cos, sin)
            k = k.repeat_interleave(H // KV, dim=1)
            v = v.repeat_interleave(H // KV, dim=1)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(D) + mask, dim=-1)
            o = (att @ v).transpose(1, 2).reshape(b, s, H * D)
            x = x + self.linear(o, i, 'o_proj', 'self_attn.o_proj')
            h = self.norm(x, w[pre + 'post_attention_layernorm.weight'])
            g = self.linear(h, i, 'gate_proj', 'mlp.gate_proj')
            x = x + self.linear(F.silu(g) * self.linear(h, i, 'up_proj', 'mlp.up_proj'), i, 'down_proj', 'mlp.down_proj')
        logits = F.linear(self.norm(x[:, p:], w['model.norm.weight']), self.head)
        return F.cross_entropy(logits[0, :-1], labels[0, 1:], ignore_index=-100)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--method', required=True, choices=['lora', 'ia3', 'prompt', 'full'])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--examples', type=int, default=10)
    ap.add_argument('--accum', type=int, default=5)
    ap.add_argument('--prompt', type=int, default=400)
    ap.add_argument('--target', type=int, default=200)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    cfg = json.load(open(f'{a.model}/config.json'))
    model = Model(cfg, read_safetensors(f'{a.model}/model.safetensors'), a.method)
    lr = {'full': 5e-5, 'lora': 3e-4, 'ia3': 3e-4, 'prompt': 3e-3}[a.method]
    opt = torch.optim.AdamW(model.params, lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    n = a.prompt + a.target
    g = torch.Generator().manual_seed(1)
    data = [torch.randint(0, 256, (1, n), generator=g) for _ in range(a.examples)]
    tokens, losses = 0, []
    t0 = time.perf_counter()
    c0 = time.process_time()
    for k, ids in enumerate(data):
        labels = ids.clone()
        labels[0, :a.prompt] = -100
        loss = model.loss(ids, labels) / a.accum
        loss.backward()
        losses.append(loss.item() * a.accum)
        tokens += n
        if (k + 1) % a.accum == 0 or k + 1 == len(data):
            torch.nn.utils.clip_grad_norm_(model.params, 1.0)
            opt.step()
            opt.zero_grad(set_to_none=True)
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({'method': a.method, 'threads': a.threads, 'tokens_per_s': tokens / secs, 'seconds': secs, 'tokens_per_cpu_s': tokens / cpu, 'cpu_seconds': cpu, 'tokens': tokens,
                      'peak_rss_bytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      'first_loss': losses[0], 'last_loss': losses[-1], 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
