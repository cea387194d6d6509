// Ad-hoc decode probe (underscore: not a bench module) on the default bench model (bare decode graph): step time through KvRunner and
// through bare session.run, at 1 thread. `--profile` also writes ORT's per-node profile and the
// optimised graph to $TMPDIR and prints the top op types by time and the node counts.
// Usage: nice -n 10 npx tsx scripts/bench/_decode-quick.ts [--profile] [--steps N] [--threads T]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModelFiles } from '../../src/model/engine';
import { buildInferenceModel, KvRunner } from '../../src/model/inference';
import { argmax } from '../../src/model/decode';
import { createSession } from '../../src/runtime/ort';
import { defaultBenchModelDir } from './_common';

const arg = (k: string, d: number) => { const i = process.argv.indexOf(k); return i > 0 ? Number(process.argv[i + 1]) : d; };
const profile = process.argv.includes('--profile');
const STEPS = arg('--steps', 128);
const threads = arg('--threads', 1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const dir = defaultBenchModelDir();
  const { cfg, weights } = loadModelFiles(dir);
  const { bytes, graph } = buildInferenceModel(cfg, weights, {}, 'last', 'none');
  const tmp = path.join(os.tmpdir(), 'decode-quick');
  fs.mkdirSync(tmp, { recursive: true });
  const session = await createSession(bytes, { provider: 'cpu', threads, ...(profile ? { profileFilePrefix: path.join(tmp, 'prof'), optimizedModelFilePath: path.join(tmp, 'opt.onnx') } : {}) });
  const runner = new KvRunner(session, cfg, graph);
  const prompt = Array.from({ length: 64 }, (_, i) => (i * 7919) % 256);
  const rates: number[] = [];
  const runShare: number[] = [];
  let runMs = 0;
  const run = session.run.bind(session);
  session.run = async (...a: Parameters<typeof run>) => { const t = performance.now(); const o = await run(...a); runMs += performance.now() - t; return o; };
  const cpu: number[] = [];
  const stepOver: number[] = []; // KvRunner.step minus session.run (feeds, KV append), ms
  const PREFILL = arg('--prefill', 0); // as the bench does before decoding: long prefills first
  for (let i = 0; i < (PREFILL ? 3 : 0); i++) { runner.reset(); await runner.step(Array.from({ length: PREFILL }, (_, j) => (j * 7919) % 256)); }
  for (let rep = 0; rep < (profile ? 1 : 5); rep++) {
    runner.reset();
    let logits = await runner.step(prompt);
    runMs = 0;
    const c = process.cpuUsage();
    const t = performance.now();
    let inStep = 0;
    for (let s = 0; s < STEPS; s++) {
      const id = argmax(logits);
      const t1 = performance.now();
      logits = await runner.step([id]);
      inStep += performance.now() - t1;
    }
    stepOver.push((inStep - runMs) / STEPS);
    const ms = performance.now() - t;
    const cc = process.cpuUsage(c);
    cpu.push((cc.user + cc.system) / 1000 / STEPS);
    rates.push((STEPS / ms) * 1000);
    runShare.push((ms - runMs) / STEPS);
  }
  const tokS = median(rates);
  const best = Math.max(...rates);
  console.log(JSON.stringify({ threads, tokS: +tokS.toFixed(1), bestTokS: +best.toFixed(1), stepMs: +(1000 / tokS).toFixed(3), cpuMsPerStep: +median(cpu).toFixed(3), overheadMs: +median(runShare).toFixed(4), kvRunnerMs: +median(stepOver).toFixed(4), load: os.loadavg()[0] }));
  if (profile) {
    session.endProfiling();
    const file = fs.readdirSync(tmp).filter((f) => f.startsWith('prof') && f.endsWith('.json')).map((f) => path.join(tmp, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    const ev = JSON.parse(fs.readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
    const nodes = ev.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
    const runs = ev.filter((e) => e.cat === 'Session' && e.name === 'model_run').length;
    const byOp = new Map<string, { us: number; n: number }>();
    for (const e of nodes) { const k = e.args?.op_name ?? '?'; const v = byOp.get(k) ?? { us: 0, n: 0 }; v.us += e.dur; v.n++; byOp.set(k, v); }
    const total = [...byOp.values()].reduce((a, b) => a + b.us, 0);
    console.log(`runs ${runs}, kernel events ${nodes.length} (${(nodes.length / runs).toFixed(0)} per run), kernel time per run ${(total / runs).toFixed(0)} us`);
    for (const [k, v] of [...byOp].sort((a, b) => b[1].us - a[1].us)) console.log(`${k.padEnd(32)} ${(v.us / runs).toFixed(1).padStart(8)} us/run  ${(v.n / runs).toFixed(0).padStart(4)} nodes/run`);
  }
  await session.release();
}
main().catch((e) => { console.error(e); process.exit(1); });
