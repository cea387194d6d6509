// Mined train pairs as plain language modelling: `source + target` as one text with an empty prompt,
// so the loss covers the focal context as well as the test body. Pairs longer than --max-tokens are
// dropped (the training CLI never cuts a target). Optionally mixed with pre-training chunks into one
// shuffled file (--mix <pretrain.jsonl>).
//
// usage: node --import tsx scripts/default-model/prepare-pairs-lm.ts --tokenizer <tokenizer.json>
//          --pairs <pairs.jsonl> --out <file.jsonl> [--max-pairs 4000] [--max-tokens 1024] [--mix <chunks.jsonl>]
//          [--mix-lines N] [--exclude <file.jsonl> ...] [--cut-source] [--only-long] [--seed 2]
// --exclude (repeatable): skip pairs already used elsewhere: a pair is skipped when `source + target` is the
// `target` of a line of a plain-LM file (this script's output) or when its source and target equal a line of a
// pairs file. --mix-lines: take only the first N lines of the (shuffled) --mix file.
// --cut-source: a pair longer than --max-tokens keeps its whole target and the end of its source, cut at
// the first line start that fits (as the engine keeps the end of a long prompt); targets over 3/4 of
// --max-tokens are still dropped. --only-long: only such cut pairs (the ones a plain run drops).
import * as fs from 'node:fs';
import { Tokenizer } from '../../src/model/tokenizer';
import { rng } from '../../src/model/init';

const argv = process.argv.slice(2);
const arg = (k: string, d?: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : d;
};
const tokPath = arg('tokenizer');
const pairsPath = arg('pairs');
const out = arg('out');
if (!tokPath || !pairsPath || !out) {
  console.error('usage: prepare-pairs-lm.ts --tokenizer t.json --pairs pairs.jsonl --out out.jsonl [--max-pairs n] [--max-tokens 1024] [--mix chunks.jsonl] [--seed 2]');
  process.exit(2);
}
const tok = Tokenizer.fromFile(tokPath);
const excluded = new Set<string>();
argv.forEach((a, i) => {
  if (a !== '--exclude') return;
  for (const l of fs.readFileSync(argv[i + 1], 'utf8').split('\n')) {
    if (!l.trim()) continue;
    try {
      const e = JSON.parse(l) as { source?: string; target: string };
      excluded.add((e.source ?? '') + e.target);
    } catch {
      /* a torn line: nothing to exclude */
    }
  }
});
let skippedSeen = 0;
const maxTokens = Number(arg('max-tokens', '1024'));
const maxPairs = Number(arg('max-pairs', '4000'));
const rand = rng(Number(arg('seed', '2')));
const shuffle = <T>(a: T[]): T[] => {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};
const pairs = shuffle(
  fs.readFileSync(pairsPath, 'utf8').split('\n').filter((l) => l.trim()).flatMap((l) => {
    try {
      return [JSON.parse(l) as { id?: string; source: string; target: string }];
    } catch {
      return [];
    }
  }),
);
const cutSource = argv.includes('--cut-source') || argv.includes('--only-long');
const onlyLong = argv.includes('--only-long');
const fit = maxTokens - 8; // the trainer re-tokenises the text: keep a margin at the cut
/** The end of `source` from the first line start at which source + target fits, or undefined. */
function cutToFit(source: string, target: string): { text: string; n: number } | undefined {
  if (tok.encode(target).length > (maxTokens * 3) / 4) return undefined;
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  let lo = 0;
  let hi = starts.length - 1; // binary search for the first line start that fits
  let best: { text: string; n: number } | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const text = source.slice(starts[mid]) + target;
    const n = tok.encode(text).length;
    if (n <= fit) {
      best = { text, n };
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return best;
}
const lines: string[] = [];
let tooLong = 0;
let cut = 0;
let tokens = 0;
for (const p of pairs) {
  if (lines.length >= maxPairs) break;
  const text = p.source + p.target;
  if (excluded.has(text)) {
    skippedSeen++;
    continue;
  }
  const n = tok.encode(text).length;
  if (n > maxTokens) {
    const c = cutSource ? cutToFit(p.source, p.target) : undefined;
    if (!c) {
      tooLong++;
      continue;
    }
    cut++;
    tokens += c.n;
    lines.push(JSON.stringify({ source: '', target: c.text, id: `pair-cut:${p.id ?? lines.length}` }));
    continue;
  }
  if (onlyLong) continue;
  tokens += n;
  lines.push(JSON.stringify({ source: '', target: text, id: `pair:${p.id ?? lines.length}` }));
}
const pairLines = lines.length;
const mix = arg('mix');
if (mix) {
  const chunks = shuffle(fs.readFileSync(mix, 'utf8').split('\n').filter((l) => l.trim()));
  lines.push(...chunks.slice(0, Number(arg('mix-lines', String(chunks.length)))));
}
fs.writeFileSync(out, shuffle(lines).join('\n') + '\n');
console.log(JSON.stringify({ out, pairsRead: pairs.length, pairLines, pairTokens: tokens, tooLong, cut, skippedSeen, mixedChunks: lines.length - pairLines, lines: lines.length }));
