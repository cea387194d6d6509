// A seeded sample of mined train pairs in a token-length window, for the adapter runs of Table IV and the
// "LoRA, 3 epochs, 1,000 pairs of ~600 tokens" timing of the training engine. Length = tokens of
// source + target with the shipped tokenizer (the trainer keeps ≤ 1,024 of them, trimming the context).
//
// usage: node --import tsx scripts/default-model/select-pairs.ts --pairs <pairs.jsonl> --tokenizer <tokenizer.json>
//          --out <file.jsonl> [--n 1000] [--min 330] [--max 1024] [--seed 5] [--exclude <lm.jsonl>]
// --exclude: skip pairs whose source + target is a line of a plain-LM file (prepare-pairs-lm.ts output), so
// the adapters are trained on pairs the base never saw.
import * as fs from 'node:fs';
import { Tokenizer } from '../../src/model/tokenizer';
import { rng } from '../../src/util/rng';

const argv = process.argv.slice(2);
const arg = (k: string, d?: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : d;
};
const [pairsPath, tokPath, out] = [arg('pairs'), arg('tokenizer'), arg('out')];
if (!pairsPath || !tokPath || !out) {
  console.error('usage: select-pairs.ts --pairs pairs.jsonl --tokenizer tokenizer.json --out out.jsonl [--n 1000] [--min 330] [--max 1024] [--seed 5]');
  process.exit(2);
}
const [n, min, max] = [Number(arg('n', '1000')), Number(arg('min', '330')), Number(arg('max', '1024'))];
const tok = Tokenizer.fromFile(tokPath);
const excluded = new Set<string>();
const ex = arg('exclude');
if (ex)
  for (const l of fs.readFileSync(ex, 'utf8').split('\n')) {
    if (!l.trim()) continue;
    try {
      excluded.add((JSON.parse(l) as { target: string }).target);
    } catch {
      /* a torn line: nothing to exclude */
    }
  }
let skippedSeen = 0;
const lines = fs.readFileSync(pairsPath, 'utf8').split('\n').filter((l) => l.trim());
const rand = rng(Number(arg('seed', '5')));
for (let i = lines.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [lines[i], lines[j]] = [lines[j], lines[i]];
}
const picked: string[] = [];
const lens: number[] = [];
for (const l of lines) {
  let p: { source: string; target: string };
  try {
    p = JSON.parse(l);
  } catch {
    continue;
  }
  if (excluded.has(p.source + p.target)) {
    skippedSeen++;
    continue;
  }
  const len = tok.encode(p.source + p.target).length;
  if (len < min || len > max) continue;
  picked.push(l);
  lens.push(len);
  if (picked.length >= n) break;
}
lens.sort((a, b) => a - b);
fs.writeFileSync(out, picked.join('\n') + '\n');
const q = (f: number) => lens[Math.min(lens.length - 1, Math.floor(f * lens.length))];
console.log(JSON.stringify({ out, pairs: picked.length, skippedSeen, tokens: lens.reduce((a, b) => a + b, 0), mean: lens.reduce((a, b) => a + b, 0) / lens.length, p10: q(0.1), median: q(0.5), p90: q(0.9) }));
