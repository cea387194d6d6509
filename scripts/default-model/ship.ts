// Ships a trained model into models/default: config.json and model.safetensors (weights stored as
// F16; the engine widens them to F32 on load), and optionally adapters (PEFT layout) into
// models/default/adapters/<name>/. models/default/tokenizer.json belongs to the tokenizer work and is
// never written here: the model's own tokenizer must equal it (same vocabulary and merges), else this
// refuses, because the shipped weights would then be read with another tokenizer's ids.
//
// usage: node --import tsx scripts/default-model/ship.ts --model <trained model dir> [--to models/default]
//          [--adapter <name>=<dir> …] [--allow-missing-tokenizer]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSafetensors, toF32, writeSafetensors, type StTensor } from '../../src/model/safetensors';

const argv = process.argv.slice(2);
const all = (k: string) => argv.flatMap((a, i) => (a === `--${k}` && argv[i + 1] !== undefined ? [argv[i + 1]] : []));
const arg = (k: string) => all(k)[0];
const model = arg('model');
const to = path.resolve(arg('to') ?? path.join(__dirname, '..', '..', 'models', 'default'));
if (!model) {
  console.error('usage: ship.ts --model <dir> [--to models/default] [--adapter name=dir …] [--allow-missing-tokenizer]');
  process.exit(2);
}

/** IEEE half bits of a float (round to nearest even; overflow → ±Inf). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
  return sign | h; // a carry into the exponent is the correct rounding
}

function sameTokenizer(a: string, b: string): boolean {
  const x = JSON.parse(fs.readFileSync(a, 'utf8'));
  const y = JSON.parse(fs.readFileSync(b, 'utf8'));
  return JSON.stringify(x.model?.vocab) === JSON.stringify(y.model?.vocab) && JSON.stringify(x.model?.merges) === JSON.stringify(y.model?.merges);
}

const shippedTok = path.join(to, 'tokenizer.json');
const ownTok = path.join(model, 'tokenizer.json');
if (fs.existsSync(shippedTok)) {
  if (!sameTokenizer(shippedTok, ownTok)) {
    console.error(`refusing: ${shippedTok} differs from the tokenizer the model was trained with (${ownTok})`);
    process.exit(1);
  }
} else if (!argv.includes('--allow-missing-tokenizer')) {
  console.error(`refusing: ${shippedTok} does not exist yet (the tokenizer work writes it); --allow-missing-tokenizer to ship anyway`);
  process.exit(1);
} else console.error(`warning: ${shippedTok} is missing; the model was trained with ${ownTok}`);

fs.mkdirSync(to, { recursive: true });
const { tensors, metadata } = readSafetensors(path.join(model, 'model.safetensors'));
const half = new Map<string, StTensor>();
let maxErr = 0;
for (const [name, t] of tensors) {
  const v = toF32(t, name);
  const h = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) h[i] = toHalf(v[i]);
  half.set(name, { dtype: 'F16', shape: t.shape, data: h });
  for (let i = 0; i < v.length; i += 97) maxErr = Math.max(maxErr, Math.abs(v[i]) > 1e-3 ? Math.abs(v[i] - halfBack(h[i])) / Math.abs(v[i]) : 0);
}
function halfBack(b: number): number {
  return toF32({ dtype: 'F16', shape: [1], data: Uint16Array.of(b) })[0];
}
writeSafetensors(path.join(to, 'model.safetensors'), half, { ...metadata, format: 'pt' });
fs.copyFileSync(path.join(model, 'config.json'), path.join(to, 'config.json'));
const bytes = fs.statSync(path.join(to, 'model.safetensors')).size;
console.log(`shipped ${model} → ${to}: model.safetensors ${(bytes / 1e6).toFixed(1)} MB (F16, sampled max relative rounding error ${maxErr.toExponential(2)})`);

for (const spec of all('adapter')) {
  const [name, dir] = spec.split('=');
  if (!name || !dir) throw new Error(`--adapter expects name=dir, got '${spec}'`);
  const dest = path.join(to, 'adapters', name);
  fs.mkdirSync(dest, { recursive: true });
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'adapter_config.json'), 'utf8'));
  cfg.base_model_name_or_path = 'models/default';
  fs.writeFileSync(path.join(dest, 'adapter_config.json'), JSON.stringify(cfg, null, 2) + '\n');
  fs.copyFileSync(path.join(dir, 'adapter_model.safetensors'), path.join(dest, 'adapter_model.safetensors'));
  if (fs.existsSync(path.join(dir, 'training_report.json'))) fs.copyFileSync(path.join(dir, 'training_report.json'), path.join(dest, 'training_report.json'));
  console.log(`shipped adapter ${name} (${dir}) → ${dest}`);
}
