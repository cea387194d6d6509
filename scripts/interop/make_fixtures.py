"""Tiny random Hugging Face checkpoints of every family and option TestTune implements, with the logits
transformers computes for fixed token ids, and PEFT adapters (LoRA, (IA)3, prompt tuning) with theirs.

Usage: python scripts/interop/make_fixtures.py [--out test/fixtures/interop]
       npx tsx scripts/interop/testtune-adapters.ts        (TestTune trains and saves adapters)
       python scripts/interop/make_fixtures.py --peft-reads-testtune   (PEFT loads them: their logits)
Needs torch 2.13 (CPU), transformers 5.17, peft 0.21, safetensors (a virtualenv outside git). Seeds are
fixed, so a rerun writes the same files. The tests (test/sidecar/interop.test.ts) need no Python.

Each case folder holds config.json, the weights (model.safetensors, or shards with
model.safetensors.index.json), and expected.json: {"ids": [...], "logits": "logits.bin"} where
logits.bin is float32 little-endian [len(ids), vocab]. Adapters live in <case>/adapters/<name>/ with
their own logits.bin. Weights are drawn wider than transformers' init (std 0.1, biases too, norms
around 1) so that every option visibly changes the logits.
"""
import argparse
import json
import os
import shutil

import torch
from transformers import AutoModelForCausalLM, CodeGenConfig, GPTBigCodeConfig, LlamaConfig, MistralConfig, PhiConfig, Qwen2Config, Starcoder2Config

IDS = [1, 17, 200, 42, 255, 7, 7, 120, 64, 5, 99, 3]
SMALL = dict(vocab_size=257, hidden_size=64, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
             intermediate_size=128, max_position_embeddings=128)


def llama(**kw):
    return LlamaConfig(**{**SMALL, 'rms_norm_eps': 1e-5, 'tie_word_embeddings': True, **kw})


CASES = {
    # name: (config, dtype to store, options for save_pretrained)
    'llama': (llama(), torch.float32, {}),
    'llama-bias': (llama(attention_bias=True, mlp_bias=True), torch.float32, {}),
    'llama-head-dim': (llama(head_dim=32), torch.float32, {}),
    'llama-rope-linear': (llama(rope_parameters={'rope_type': 'linear', 'factor': 2.0, 'rope_theta': 10000.0}), torch.float32, {}),
    'llama-rope-dynamic': (llama(rope_parameters={'rope_type': 'dynamic', 'factor': 2.0, 'rope_theta': 10000.0}), torch.float32, {}),
    'llama-rope-llama3': (llama(rope_parameters={'rope_type': 'llama3', 'factor': 8.0, 'low_freq_factor': 1.0, 'high_freq_factor': 4.0,
                                                 'original_max_position_embeddings': 64, 'rope_theta': 500000.0}), torch.float32, {}),
    'llama-rope-yarn': (llama(rope_parameters={'rope_type': 'yarn', 'factor': 4.0, 'original_max_position_embeddings': 32,
                                               'rope_theta': 10000.0}), torch.float32, {}),
    'llama-bf16-sharded': (llama(tie_word_embeddings=False), torch.bfloat16, {'max_shard_size': '100KB'}),
    'llama-f16': (llama(), torch.float16, {}),
    'qwen2': (Qwen2Config(**{**SMALL, 'rms_norm_eps': 1e-6, 'tie_word_embeddings': False}), torch.float32, {}),
    'starcoder2': (Starcoder2Config(**{**SMALL, 'norm_epsilon': 1e-5, 'sliding_window': 6}), torch.float32, {}),
    'phi': (PhiConfig(**{**SMALL, 'num_key_value_heads': 4, 'partial_rotary_factor': 0.5, 'layer_norm_eps': 1e-5}), torch.float32, {}),
    'codegen': (CodeGenConfig(vocab_size=257, n_embd=64, n_layer=2, n_head=4, n_inner=128, n_positions=128, n_ctx=128,
                              rotary_dim=8, layer_norm_epsilon=1e-5, tie_word_embeddings=False), torch.float32, {}),
    'mistral': (MistralConfig(**{**SMALL, 'rms_norm_eps': 1e-5, 'sliding_window': 5}), torch.float32, {}),
    'gpt_bigcode': (GPTBigCodeConfig(vocab_size=257, n_embd=64, n_layer=2, n_head=4, n_inner=128, n_positions=128, multi_query=True,
                                     layer_norm_epsilon=1e-5, activation_function='gelu_pytorch_tanh'), torch.float32, {}),
}

# adapters: case -> [(name, peft config factory)]
def adapters():
    from peft import IA3Config, LoraConfig, PromptTuningConfig, TaskType
    lora = lambda **kw: LoraConfig(task_type=TaskType.CAUSAL_LM, r=4, lora_alpha=8, lora_dropout=0.0, init_lora_weights=False, **kw)
    return {
        'llama': [('lora', lora(target_modules=['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'])),
                  ('ia3', IA3Config(task_type=TaskType.CAUSAL_LM, init_ia3_weights=False)),
                  ('prompt', PromptTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=3))],
        'qwen2': [('ia3', IA3Config(task_type=TaskType.CAUSAL_LM, init_ia3_weights=False))],
        'phi': [('lora', lora())],
        'codegen': [('lora', lora())],
        'gpt_bigcode': [('lora', lora()), ('ia3', IA3Config(task_type=TaskType.CAUSAL_LM, init_ia3_weights=False)),
                        ('prompt', PromptTuningConfig(task_type=TaskType.CAUSAL_LM, num_virtual_tokens=3))],
    }


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            noise = torch.randn(p.shape, generator=g) * 0.1
            is_norm_weight = name.endswith('.weight') and p.dim() == 1
            p.copy_(noise + 1.0 if is_norm_weight else noise)


def logits_of(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].float().contiguous()


def write_logits(folder, logits, ids):
    logits.numpy().astype('<f4').tofile(os.path.join(folder, 'logits.bin'))
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump({'ids': ids, 'logits': 'logits.bin', 'shape': list(logits.shape)}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default='test/fixtures/interop')
    ap.add_argument('--peft-reads-testtune', action='store_true',
                    help='only store PEFT\'s logits for the adapters TestTune saved in <case>/testtune-adapters/*')
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.peft_reads_testtune:
        return peft_reads_testtune(args.out)
    ads = adapters()
    for i, (name, (cfg, dtype, save_opts)) in enumerate(CASES.items()):
        folder = os.path.join(args.out, name)
        # keep the adapters TestTune trained (testtune-adapters.ts) across a rerun: same seeds, same base
        kept = os.path.join(args.out, f'.{name}-testtune-adapters')
        if os.path.isdir(os.path.join(folder, 'testtune-adapters')):
            shutil.move(os.path.join(folder, 'testtune-adapters'), kept)
        shutil.rmtree(folder, ignore_errors=True)
        torch.manual_seed(i)
        model = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32).eval()
        randomize(model, 1000 + i)
        model.to(dtype).save_pretrained(folder, safe_serialization=True, **save_opts)
        if os.path.exists(os.path.join(folder, 'generation_config.json')):
            os.remove(os.path.join(folder, 'generation_config.json'))
        # the reference is what a user of transformers gets: the saved folder loaded in F32
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
        write_logits(folder, logits_of(model, IDS), IDS)
        if os.path.isdir(kept):
            shutil.move(kept, os.path.join(folder, 'testtune-adapters'))
        for aname, pcfg in ads.get(name, []):
            from peft import get_peft_model
            torch.manual_seed(100 + i)
            peft_model = get_peft_model(model, pcfg).eval()
            if aname == 'ia3':
                with torch.no_grad():
                    for n, p in peft_model.named_parameters():
                        if 'ia3_l' in n:
                            p.copy_(1.0 + 0.3 * torch.randn(p.shape))
            afolder = os.path.join(folder, 'adapters', aname)
            peft_model.save_pretrained(afolder, safe_serialization=True)
            if os.path.exists(os.path.join(afolder, 'README.md')):
                os.remove(os.path.join(afolder, 'README.md'))
            # the reference: PEFT loading the saved adapter onto the saved base, token positions only
            # (prompt tuning prepends its virtual tokens to the logits too)
            from peft import PeftModel
            fresh = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
            loaded = PeftModel.from_pretrained(fresh, afolder).eval()
            logits = logits_of(loaded, IDS)
            write_logits(afolder, logits[logits.shape[0] - len(IDS):].contiguous(), IDS)
            model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32).eval()
        print(name, 'ok')


def peft_reads_testtune(root):
    """PEFT loads each adapter TestTune trained and saved (scripts/interop/testtune-adapters.ts)."""
    from peft import PeftModel
    for name in sorted(os.listdir(root)):
        tdir = os.path.join(root, name, 'testtune-adapters')
        if not os.path.isdir(tdir):
            continue
        for aname in sorted(os.listdir(tdir)):
            afolder = os.path.join(tdir, aname)
            base = AutoModelForCausalLM.from_pretrained(os.path.join(root, name), dtype=torch.float32).eval()
            loaded = PeftModel.from_pretrained(base, afolder).eval()
            logits = logits_of(loaded, IDS)
            write_logits(afolder, logits[logits.shape[0] - len(IDS):].contiguous(), IDS)
            print(name, aname, 'read by PEFT')


if __name__ == '__main__':
    main()
