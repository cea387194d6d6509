#!/usr/bin/env node
// `npm run bench [-- --json] [-- --only name,...]`: runs every benchmark module in scripts/bench/
// (files ending in .ts or .mjs whose name does not start with `_`), each in its own Node process
// (`node --import tsx`), one after the other. A module prints progress on stderr and, as the LAST line
// of its stdout, one JSON array of {"name","value","unit","anchor","anchor_value","ratio"} objects
// (ratio > 1: better than the anchor; anchor fields null when there is none). Without --json this
// prints a table; with --json one JSON array of all results (each with its "module"). Exit code 1
// when a module fails (its results are missing; the others are still printed).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.join(here, 'bench');
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? new Set((args[onlyIdx + 1] ?? '').split(',')) : undefined;

const modules = fs
  .readdirSync(benchDir)
  .filter((f) => /\.(ts|mjs)$/.test(f) && !f.startsWith('_') && !f.endsWith('.d.ts'))
  .filter((f) => !only || only.has(f.replace(/\.(ts|mjs)$/, '')))
  .sort();

function runModule(file) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, file)], { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.dirname(here) });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => process.stderr.write(d));
    p.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const results = JSON.parse(last);
        if (!Array.isArray(results)) throw new Error('not an array');
        resolve({ ok: code === 0, results });
      } catch (e) {
        resolve({ ok: false, results: [], error: `exit ${code}; last stdout line is not a JSON array (${e.message})` });
      }
    });
  });
}

const fmt = (v) => (v === null || v === undefined ? '' : typeof v === 'number' ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)) : String(v));

const all = [];
let failed = false;
for (const file of modules) {
  const name = file.replace(/\.(ts|mjs)$/, '');
  process.stderr.write(`bench: ${name}\n`);
  const r = await runModule(file);
  if (!r.ok) {
    failed = true;
    process.stderr.write(`bench: ${name} FAILED${r.error ? `: ${r.error}` : ''}\n`);
  }
  for (const x of r.results) all.push({ module: name, ...x });
}

if (json) console.log(JSON.stringify(all));
else {
  const rows = [['module', 'benchmark', 'value', 'unit', 'anchor', 'anchor value', 'ratio']];
  for (const r of all) rows.push([r.module, r.name, fmt(r.value), r.unit, r.anchor ?? '', fmt(r.anchor_value), r.ratio === null ? '' : `${fmt(r.ratio)}x`]);
  const widths = rows[0].map((_, i) => Math.min(90, Math.max(...rows.map((r) => String(r[i]).length))));
  for (const r of rows) console.log(r.map((c, i) => (i === 2 || i === 5 || i === 6 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  '));
}
process.exitCode = failed ? 1 : 0;
