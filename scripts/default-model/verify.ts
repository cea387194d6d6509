// Checks a shipped model against the trained one it came from: every weight within F16 rounding
// (relative error ≤ 2^-11 for |x| ≥ 2^-14, absolute ≤ 2^-25 below), same tokenizer vocabulary and
// merges, same config, and model.safetensors ≤ 40 MB. Exit 1 on any failure.
// usage: node --import tsx scripts/default-model/verify.ts --trained <dir> [--shipped models/default]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSafetensors, toF32 } from '../../src/model/safetensors';

const argv = process.argv.slice(2);
const arg = (k: string, d?: string) => (argv.indexOf(`--${k}`) >= 0 ? argv[argv.indexOf(`--${k}`) + 1] : d);
const trained = arg('trained');
const shipped = arg('shipped', path.join(__dirname, '..', '..', 'models', 'default'))!;
if (!trained) {
  console.error('usage: verify.ts --trained <dir> [--shipped models/default]');
  process.exit(2);
}
const failures: string[] = [];
const a = readSafetensors(path.join(trained, 'model.safetensors')).tensors;
const b = readSafetensors(path.join(shipped, 'model.safetensors')).tensors;
let n = 0;
for (const [name, t] of a) {
  const u = b.get(name);
  if (!u) {
    failures.push(`missing tensor ${name}`);
    continue;
  }
  const x = toF32(t, name);
  const y = toF32(u, name);
  if (x.length !== y.length) failures.push(`${name}: ${y.length} values, expected ${x.length}`);
  for (let i = 0; i < x.length; i++, n++) {
    const ok = Math.abs(x[i]) >= 2 ** -14 ? Math.abs(x[i] - y[i]) <= Math.abs(x[i]) * 2 ** -11 : Math.abs(x[i] - y[i]) <= 2 ** -25;
    if (!ok) {
      failures.push(`${name}[${i}]: ${y[i]} vs ${x[i]}`);
      break;
    }
  }
}
const tok = (d: string) => {
  const j = JSON.parse(fs.readFileSync(path.join(d, 'tokenizer.json'), 'utf8'));
  return JSON.stringify([j.model.vocab, j.model.merges]);
};
if (tok(trained) !== tok(shipped)) failures.push('tokenizer differs');
if (fs.readFileSync(path.join(trained, 'config.json'), 'utf8') !== fs.readFileSync(path.join(shipped, 'config.json'), 'utf8')) failures.push('config.json differs');
const mb = fs.statSync(path.join(shipped, 'model.safetensors')).size / 1e6;
if (mb > 40) failures.push(`model.safetensors is ${mb.toFixed(1)} MB (> 40)`);
console.log(failures.length ? `FAIL:\n${failures.join('\n')}` : `ok: ${n} weights within F16 rounding, tokenizer and config equal, ${mb.toFixed(1)} MB`);
process.exit(failures.length ? 1 : 0);
