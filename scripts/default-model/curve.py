#!/usr/bin/env python3
"""Training curve of a run as a Markdown table: mean loss per bin of optimizer steps, and tokens seen.
usage: curve.py <training_report.json> [bin=25]"""
import json, sys

r = json.load(open(sys.argv[1]))
b = int(sys.argv[2]) if len(sys.argv) > 2 else 25
curve = r["lossCurve"]
per_step = r["throughput"]["tokens"] / max(1, r["steps"])
print("| steps | mean loss (nats/token) | ≈ tokens seen at end |")
print("| --- | ---: | ---: |")
for i in range(0, len(curve), b):
    part = curve[i : i + b]
    end = part[-1]["step"]
    print(f'| {part[0]["step"]}–{end} | {sum(p["loss"] for p in part) / len(part):.3f} | {int(end * per_step):,} |')
