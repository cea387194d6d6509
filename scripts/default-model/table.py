#!/usr/bin/env python3
"""Prints our Table IV (Markdown) from $DM/eval/<name>.{chars,whitespace}.json and the training
reports, next to the study's CodeGen-350M-multi rows (../shared/benchmarks/paper-predictions/*.csv).

usage: table.py <DM> <row>... where row is name=label=train_dir (train_dir '-' when none)
"""
import csv, json, os, sys

dm = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
paper = os.path.join(here, "..", "..", "..", "shared", "benchmarks", "paper-predictions")
pct = lambda x: f"{100 * x:.1f}%"
print("| Method | Trainable params | Syntax strict | Syntax lenient | CodeBLEU chars | CodeBLEU whitespace | (BLEU / w-ngram / syntax / dataflow, chars) | Training | Train tok/s (CPU-s) | Rows |")
print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
for spec in sys.argv[2:]:
    name, label, tdir = spec.split("=")
    c = json.load(open(f"{dm}/eval/{name}.chars.json"))
    w = json.load(open(f"{dm}/eval/{name}.whitespace.json"))
    tp, tr, tps = "–", "–", "–"
    if tdir != "-":
        r = json.load(open(os.path.join(tdir, "training_report.json")))
        th = r["throughput"]
        tp = f'{r["trainableParams"]:,} ({r["trainablePercent"]:.2f}%)'
        tr = f'{r["steps"]} steps, {th["tokens"]:,} tok, {th["trainSeconds"] / 60:.1f} min'
        tps = f'{th["tokensPerSec"]:.0f} ({th["tokensPerCpuSec"]:.0f})'
    parts = " / ".join(f"{c[k]:.3f}" for k in ["bleu", "weighted_ngram", "syntax_match", "dataflow_match"])
    print(f'| {label} | {tp} | {pct(c["syntax_strict"])} | {pct(c["syntax_lenient"])} | {c["codebleu"]:.4f} | {w["codebleu"]:.4f} | {parts} | {tr} | {tps} | first {c["n"]} |')
cb = {r["model"]: r for r in csv.DictReader(open(os.path.join(paper, "codebleu_scores.csv")))}["Salesforce/codegen-350M-multi"]
vs = {r["model"]: r for r in csv.DictReader(open(os.path.join(paper, "valid_syntax.csv")))}["Salesforce/codegen-350M-multi"]
for key, label in [("pre-training", "base"), ("full_fine-tuning", "full fine-tuning"), ("lora", "LoRA"), ("ia3", "(IA)³"), ("prompt-tuning", "prompt tuning")]:
    print(f'| study CodeGen-350M-multi {label} | – | – | {pct(float(vs[key]))} | {float(cb[key]):.4f} | – | – | – | – | all 984 attempted |')
