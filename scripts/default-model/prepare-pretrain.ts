// Pre-training data for the default model: Java files of TRAIN packages only, cut on line boundaries
// into chunks of at most --max-tokens tokens, written as JSONL pairs with an empty `source` and the
// chunk as `target` (the training CLI's format; with an empty prompt the loss covers the whole chunk).
//
// Inputs: corpus shards (`testtune corpus build` → pretrain/shard-*.jsonl, {repository, path, text})
// and/or unpacked package folders (<name>_<version>/…, as `corpus fetch` + unpack leave them). Every
// package must be on ../shared/corpus/train-packages.txt and in the 'train' part of the corpus's
// package split (src/data/split.ts partOfRepository, valid 5%) — others are skipped and counted.
// Files are shuffled (seeded) and taken until --budget tokens; test files (under /test/ or named
// *Test*.java) are preferred up to --test-share of the budget, since the model's job is test bodies.
// Leading licence comments are dropped; exact duplicate files are dropped.
//
// usage: node --import tsx scripts/default-model/prepare-pretrain.ts --tokenizer <tokenizer.json>
//          --out <file.jsonl> [--shards <dir>] [--dirs <dir>,<dir>…] [--max-tokens 512]
//          [--budget 6000000] [--test-share 0.5] [--seed 1] [--train-list <train-packages.txt>]
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from '../../src/model/tokenizer';
import { rng } from '../../src/model/init';
import { partOfRepository } from '../../src/data/split';

const argv = process.argv.slice(2);
const arg = (k: string, d?: string) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv[i + 1] : d;
};
const tokPath = arg('tokenizer');
const out = arg('out');
if (!tokPath || !out) {
  console.error('usage: prepare-pretrain.ts --tokenizer <tokenizer.json> --out <file.jsonl> [--shards dir] [--dirs a,b] [--max-tokens 512] [--budget 6000000] [--test-share 0.5] [--seed 1]');
  process.exit(2);
}
const maxTokens = Number(arg('max-tokens', '512'));
const budget = Number(arg('budget', '6000000'));
const testShare = Number(arg('test-share', '0.5'));
const seed = Number(arg('seed', '1'));
const trainList = arg('train-list', path.resolve(__dirname, '../../../shared/corpus/train-packages.txt'))!;
const allowed = new Set(
  fs.readFileSync(trainList, 'utf8').split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean),
);
const tok = Tokenizer.fromFile(tokPath);

interface Src {
  repository: string;
  path: string;
  text?: string; // from shards; files are read lazily
  file?: string;
}
const skipped = { notListed: new Set<string>(), validSplit: new Set<string>() };
const ok = (repo: string): boolean => {
  if (!allowed.has(repo)) return skipped.notListed.add(repo), false;
  if (partOfRepository(repo, { valid: 0.05 }) !== 'train') return skipped.validSplit.add(repo), false;
  return true;
};

const sources: Src[] = [];
const shards = arg('shards');
if (shards)
  for (const f of fs.readdirSync(shards).filter((n) => /^shard-.*\.jsonl$/.test(n)).sort())
    for (const line of fs.readFileSync(path.join(shards, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const o = JSON.parse(line);
        if (typeof o.text === 'string' && ok(String(o.repository))) sources.push({ repository: o.repository, path: o.path, text: o.text });
      } catch {
        /* a line being written right now */
      }
    }
for (const dir of (arg('dirs') ?? '').split(',').filter(Boolean))
  for (const pkg of fs.readdirSync(dir).sort()) {
    const repo = pkg.split('_')[0];
    if (!ok(repo)) continue;
    const walk = (p: string): void => {
      for (const e of fs.readdirSync(p, { withFileTypes: true })) {
        const q = path.join(p, e.name);
        if (e.isDirectory()) walk(q);
        else if (e.isFile() && e.name.endsWith('.java')) sources.push({ repository: repo, path: path.relative(dir, q), file: q });
      }
    };
    walk(path.join(dir, pkg));
  }

const rand = rng(seed);
for (let i = sources.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [sources[i], sources[j]] = [sources[j], sources[i]];
}
const isTest = (s: Src) => /(^|\/)(test|tests)\//.test(s.path) || /Tests?\.java$/.test(s.path);
const tests = sources.filter(isTest);
const mains = sources.filter((s) => !isTest(s));

/** Drops a leading block comment that is a licence header, and leading blank lines. */
function stripLicence(text: string): string {
  const m = /^\s*\/\*[\s\S]*?\*\/\s*/.exec(text);
  if (m && /licen[cs]e|copyright/i.test(m[0])) return text.slice(m[0].length);
  return text.replace(/^\s+/, '');
}

/** Line-boundary chunks of at most maxTokens tokens (a line longer than that is dropped). */
function chunks(text: string): string[] {
  const lines = text.split('\n').map((l, i, a) => (i < a.length - 1 ? l + '\n' : l)).filter((l) => l.length > 0);
  const res: string[] = [];
  let cur = '';
  let n = 0;
  const flush = () => {
    if (!cur.trim()) return;
    // per-line counts can differ from the chunk's own encoding by a few tokens: check and halve if needed
    if (tok.encode(cur).length <= maxTokens) res.push(cur);
    else {
      const ls = cur.split(/(?<=\n)/);
      const h = Math.floor(ls.length / 2);
      if (h > 0) for (const part of [ls.slice(0, h).join(''), ls.slice(h).join('')]) if (tok.encode(part).length <= maxTokens) res.push(part);
    }
  };
  for (const l of lines) {
    const k = tok.encode(l).length;
    if (k > maxTokens) continue;
    if (n + k > maxTokens) {
      flush();
      cur = '';
      n = 0;
    }
    cur += l;
    n += k;
  }
  flush();
  return res;
}

const seen = new Set<string>();
const fd = fs.openSync(out + '.tmp', 'w');
const totals = { files: 0, testFiles: 0, chunks: 0, tokens: 0, testTokens: 0, duplicates: 0, repos: new Set<string>() };
const take = (list: Src[], limit: number, test: boolean) => {
  let used = 0;
  for (const s of list) {
    if (used >= limit) break;
    const text = s.text ?? fs.readFileSync(s.file!, 'utf8');
    const h = crypto.createHash('sha1').update(text).digest('hex');
    if (seen.has(h)) {
      totals.duplicates++;
      continue;
    }
    seen.add(h);
    const cs = chunks(stripLicence(text));
    for (const c of cs) {
      const k = tok.encode(c).length;
      fs.writeSync(fd, JSON.stringify({ source: '', target: c, id: `${s.repository}:${s.path}` }) + '\n');
      used += k;
      totals.tokens += k;
      if (test) totals.testTokens += k;
      totals.chunks++;
    }
    totals.files++;
    if (test) totals.testFiles++;
    totals.repos.add(s.repository);
  }
};
take(tests, budget * testShare, true);
take(mains, budget - totals.tokens, false);
fs.closeSync(fd);
fs.renameSync(out + '.tmp', out);
const report = {
  out, tokenizer: tokPath, maxTokens, budget, testShare, seed,
  candidates: { tests: tests.length, mains: mains.length },
  files: totals.files, testFiles: totals.testFiles, chunks: totals.chunks, tokens: totals.tokens, testTokens: totals.testTokens,
  duplicates: totals.duplicates, packages: totals.repos.size,
  skippedPackages: { notOnTrainList: [...skipped.notListed].sort(), validSplit: [...skipped.validSplit].sort() },
};
fs.writeFileSync(out.replace(/\.jsonl$/, '') + '.report.json', JSON.stringify(report, null, 2));
console.log(JSON.stringify({ ...report, skippedPackages: { notOnTrainList: skipped.notListed.size, validSplit: skipped.validSplit.size } }));
