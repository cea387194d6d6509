// `npm test`: every tier in turn — build, typecheck, unit, sidecar, faults, integration — each one run even when
// an earlier one failed (a red sidecar tier must not hide the integration tier's result), then one line
// per tier and, last, the plain summary `N passed, N failed` (tiers). Exits 1 when any tier failed.
// Each tier is its `npm run` script in package.json, so the commands live in one place.
// `node scripts/test-all.mjs unit sidecar` runs only the named tiers.
import { spawn } from 'node:child_process';
import path from 'node:path';

const TIERS = [
  { name: 'build', script: 'build' },
  { name: 'typecheck', script: 'typecheck' },
  { name: 'unit', script: 'test:unit' },
  { name: 'sidecar', script: 'test:sidecar' },
  { name: 'faults', script: 'test:faults' },
  { name: 'integration', script: 'test:integration' },
];

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !TIERS.some((t) => t.name === w));
if (unknown.length) {
  console.error(`test-all: unknown tier ${unknown.join(', ')} (tiers: ${TIERS.map((t) => t.name).join(', ')})`);
  process.exit(2);
}
const tiers = wanted.length ? TIERS.filter((t) => wanted.includes(t.name)) : TIERS;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs one tier, echoing its output; resolves with its exit code and mocha's counts when it printed them. */
function run(tier) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let tail = '';
    const child = spawn(npm, ['run', '--silent', tier.script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const echo = (out) => (chunk) => {
      out.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-20000); // mocha's counts come at the end
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('error', (e) => {
      tail += `\ncould not start ${npm}: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      const plain = tail.replace(/\x1b\[[0-9;]*m/g, '');
      const count = (word) => [...plain.matchAll(new RegExp(`(\\d+) ${word}`, 'g'))].reduce((sum, m) => sum + Number(m[1]), 0);
      resolve({ code: code ?? 1, signal, seconds: (Date.now() - t0) / 1000, passing: count('passing'), failing: count('failing') });
    });
  });
}

const results = [];
for (const tier of tiers) {
  console.log(`\n=== test-all: ${tier.name} (npm run ${tier.script}) ===`);
  results.push({ tier, ...(await run(tier)) });
}

console.log('\n=== test-all: summary ===');
for (const r of results) {
  const tests = r.passing || r.failing ? `, ${r.passing} tests passing, ${r.failing} failing` : '';
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  console.log(`${r.code === 0 ? 'passed' : 'FAILED'}  ${r.tier.name.padEnd(12)} ${how}, ${r.seconds.toFixed(0)} s${tests}`);
}
const failed = results.filter((r) => r.code !== 0).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
