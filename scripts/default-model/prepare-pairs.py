#!/usr/bin/env python3
"""Snapshot of the mined TRAIN pairs for fine-tuning the default model's adapters.

Reads the corpus build's pairs/train.jsonl (already split by package: valid packages are in
valid.jsonl and never read here), keeps only pairs whose package is on the train list, drops any pair
whose whitespace-normalised target or source also occurs in the benchmark test set (a guard: the
benchmark comes from GitHub, the corpus from Debian, so none are expected), and writes
{id, source, target} lines. A line still being written by a running build is skipped.

usage: prepare-pairs.py <train.jsonl> <benchmark test.jsonl> <train-packages.txt> <out.jsonl> [max-pairs]

With max-pairs, a seeded random sample (seed 1) of that many pairs is written (the training CLI
tokenizes every pair up front; short runs need only a few thousand).
"""
import json, random, re, sys

src, bench, train_list, out = sys.argv[1:5]
max_pairs = int(sys.argv[5]) if len(sys.argv) > 5 else None
norm = lambda s: re.sub(r"\s+", " ", s).strip()
allowed = {l.split()[0] for l in open(train_list) if l.strip()}
bench_targets, bench_sources = set(), set()
for l in open(bench):
    r = json.loads(l)
    bench_targets.add(norm(r["target"]))
    bench_sources.add(norm(r["source"]))
bad = overlap = unlisted = 0
rows = []
for l in open(src):
    try:
        r = json.loads(l)
    except ValueError:
        bad += 1
        continue
    if r.get("repository") not in allowed:
        unlisted += 1
        continue
    if norm(r["target"]) in bench_targets or norm(r["source"]) in bench_sources:
        overlap += 1
        continue
    pid = f'{r["repository"]}:{r.get("test_class")}#{r.get("test_case")}'
    rows.append({"id": pid, "source": r["source"], "target": r["target"]})
kept = len(rows)
if max_pairs is not None and max_pairs < len(rows):
    rows = random.Random(1).sample(rows, max_pairs)
with open(out, "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
print(json.dumps({"out": out, "eligible": kept, "written": len(rows), "unparseable": bad, "benchmark_overlap": overlap, "not_on_train_list": unlisted}))
