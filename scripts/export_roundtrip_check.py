#!/usr/bin/env python3
"""Checks that an adapter written by `testtune export`'s train.py computes in TestTune what it computes
in transformers + PEFT: TestTune's greedy predictions (`testtune eval --model ... --adapter ...
--decoding study --out preds.jsonl`) must equal PEFT's greedy continuation of the same prompts, token
for token (TestTune stops where the test method closes, so its text is then a prefix of PEFT's); and the adapter must change the base model's logits (it was trained, not left at init).
usage: export_roundtrip_check.py <modelDir> <adapterDir> <preds.jsonl> <maxNewTokens>"""
import json
import sys

import torch
from peft import PeftModel
from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

model_dir, adapter_dir, preds_file, max_new = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tok = PreTrainedTokenizerFast(tokenizer_file=f"{model_dir}/tokenizer.json")
base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
model = PeftModel.from_pretrained(base, adapter_dir).eval()
eos = json.load(open(f"{model_dir}/config.json")).get("eos_token_id")
rows = [json.loads(line) for line in open(preds_file) if line.strip()]
same = 0
for row in rows:
    ids = tok.encode(row["source"], add_special_tokens=False)
    x = torch.tensor([ids])
    with torch.no_grad():
        out = model.generate(input_ids=x, attention_mask=torch.ones_like(x), max_new_tokens=max_new, do_sample=False, eos_token_id=eos, pad_token_id=eos)
        with_adapter = model(input_ids=x).logits[0, -1]
        with model.disable_adapter():
            without = model(input_ids=x).logits[0, -1]
    new = out[0, len(ids):].tolist()
    if new and new[-1] == eos:
        new = new[:-1]
    text = tok.decode(new)
    pred = row["prediction"]
    # TestTune stops generating where the test method's body closes; PEFT's generate runs on to the limit
    ok = text == pred or (text.startswith(pred) and pred.rstrip().endswith("}"))
    same += ok
    print(json.dumps({"id": row.get("id"), "equal": ok, "peft_tokens": len(new), "max_abs_logit_change_by_adapter": round((with_adapter - without).abs().max().item(), 6)}))
    if not ok:
        print("  TestTune:", json.dumps(row["prediction"][:200]))
        print("  PEFT:    ", json.dumps(text[:200]))
print(f"{same}/{len(rows)} predictions equal (up to TestTune's stop at the method's closing brace)")
sys.exit(0 if same == len(rows) else 1)
