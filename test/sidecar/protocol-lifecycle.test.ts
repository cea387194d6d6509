// The real sidecar process (from TS sources under tsx) and the real SidecarClient: handshake, stdout
// carrying protocol only, bad input answered, kill → crash seen → restart with backoff → answering again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SidecarClient, SidecarCrashedError, sourceSidecarLaunch, type StateChange } from '../../src/sidecar/client';
import { ErrorCodes } from '../../src/sidecar/protocol';
import { waitForState } from './helpers/wait-for';

const waitFor = (client: SidecarClient, state: StateChange['state'], ms = 20_000) => waitForState(client, state, ms);

describe('sidecar process lifecycle (real process)', function () {
  this.timeout(60_000);
  let client: SidecarClient | undefined;
  afterEach(async () => {
    await client?.dispose();
    client = undefined;
  });

  it('starts lazily, answers status, and its stdout carries only JSON-RPC lines', async () => {
    const launch = sourceSidecarLaunch();
    const child = spawn(launch.command, launch.args, { env: launch.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.stdin.write('{"jsonrpc":"2.0","id":1,"method":"status"}\n');
    child.stdin.write('not json at all\n');
    child.stdin.write('{"jsonrpc":"2.0","id":2,"method":"no/such"}\n');
    child.stdin.write('{"jsonrpc":"2.0","id":3,"method":"generate","params":{"context":"x","maxNewTokens":1}}\n');
    child.stdin.write('{"jsonrpc":"2.0","id":4,"method":"initialize","params":{"modelDir":""}}\n');
    await new Promise((r) => setTimeout(r, 3000));
    child.stdin.end();
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0, err);
    const lines = out.split('\n').filter((l) => l !== '');
    const msgs = lines.map((l) => JSON.parse(l) as { id: unknown; result?: { state: string }; error?: { code: number; message: string } });
    for (const m of msgs) assert.equal((m as unknown as { jsonrpc: string }).jsonrpc, '2.0');
    const byId = new Map(msgs.map((m) => [m.id, m]));
    assert.equal(byId.get(1)!.result!.state, 'uninitialized');
    assert.equal(byId.get(null)!.error!.code, ErrorCodes.ParseError);
    assert.equal(byId.get(2)!.error!.code, ErrorCodes.MethodNotFound);
    assert.equal(byId.get(3)!.error!.code, ErrorCodes.NotInitialized);
    assert.equal(byId.get(4)!.error!.code, ErrorCodes.InvalidParams);
    assert.match(err, /started in \d+ ms \(node v20/);
    assert.match(err, /exiting \(stdin closed\)/);
  });

  it("a worker thread's console output goes to stderr, never into the protocol's stdout", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-worker-out-'));
    try {
      const workerFile = path.join(dir, 'noisy.ts');
      fs.writeFileSync(workerFile, "const n: number = 42;\nconsole.log('noisy worker says', n);\nprocess.stdout.write('raw write\\n');\n");
      const host = path.resolve(__dirname, '../../src/sidecar/model-host.ts');
      const script = `const { spawnWorker } = require(${JSON.stringify(host)}); const w = spawnWorker(${JSON.stringify(workerFile)}, true, null); w.on('exit', () => {});`;
      const launch = sourceSidecarLaunch();
      const child = spawn(launch.command, [launch.args[0], launch.args[1], '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (err += c));
      assert.equal(await new Promise((r) => child.on('close', r)), 0, err);
      assert.equal(out, '');
      assert.match(err, /noisy worker says 42/);
      assert.match(err, /raw write/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees the sidecar killed, fails the pending request, restarts with backoff, and answers again', async () => {
    client = new SidecarClient({ launch: sourceSidecarLaunch(), backoff: { initialMs: 100 } });
    const states: string[] = [];
    client.onDidChangeState((e) => states.push(e.state));
    assert.equal(client.state, 'stopped');
    const s1 = await client.request('status', undefined);
    assert.equal(s1.state, 'uninitialized');
    const pid1 = client.pid!;
    assert.equal(s1.pid, pid1);

    const crashed = waitFor(client, 'crashed');
    process.kill(pid1, 'SIGKILL');
    const c = await crashed;
    assert.equal(c.restartInMs, 100);
    assert.match(c.detail!, /killed by SIGKILL/);

    await waitFor(client, 'ready');
    const s2 = await client.request('status', undefined);
    assert.notEqual(s2.pid, pid1);
    assert.deepEqual(states, ['starting', 'ready', 'crashed', 'starting', 'ready']);
  });

  it('a request in flight when the process dies rejects with SidecarCrashedError naming the exit', async () => {
    client = new SidecarClient({ launch: sourceSidecarLaunch(), backoff: { initialMs: 100 } });
    await client.start();
    const pid = client.pid!;
    process.kill(pid, 'SIGSTOP'); // it cannot answer: the request stays pending
    const pending = client.request('status', undefined);
    await new Promise((r) => setTimeout(r, 200));
    process.kill(pid, 'SIGKILL');
    await assert.rejects(pending, (e: Error) => e instanceof SidecarCrashedError && /status failed: the sidecar exited \(killed by SIGKILL\)/.test(e.message));
    await waitFor(client, 'ready');
    assert.equal((await client.request('status', undefined)).state, 'uninitialized');
  });

  it('gives up after maxRestarts when the sidecar cannot start, and says why', async () => {
    client = new SidecarClient({
      launch: { command: process.execPath, args: ['-e', 'console.error("fatal: no model runtime"); process.exit(3)'] },
      backoff: { initialMs: 20, maxRestarts: 2 },
    });
    const failed = waitFor(client, 'failed');
    await assert.rejects(client.start(), /did not start.*exit code 3.*fatal: no model runtime/s);
    const f = await failed;
    assert.match(f.detail!, /gave up after 2 restarts/);
  });

  it('a node executable that does not exist is a clear error, not a hang', async () => {
    client = new SidecarClient({ launch: { command: '/nonexistent/node', args: ['sidecar.js'] }, backoff: { initialMs: 10, maxRestarts: 1 } });
    const failed = waitFor(client, 'failed');
    await assert.rejects(client.start(), /did not start: .*could not run \/nonexistent\/node: spawn \/nonexistent\/node ENOENT/);
    await failed;
  });

  it('a process that never answers is killed after startTimeoutMs and counts as a crash', async () => {
    client = new SidecarClient({
      launch: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] },
      startTimeoutMs: 300,
      backoff: { initialMs: 10, maxRestarts: 0 },
    });
    const failed = waitFor(client, 'failed');
    await assert.rejects(client.start(), /did not start: .*killed by SIGKILL.*did not answer within 300 ms/s);
    await failed;
  });

  it('notify() reaches the sidecar (a malformed cancel is logged there, nothing breaks)', async () => {
    client = new SidecarClient({ launch: sourceSidecarLaunch() });
    const logs: string[] = [];
    client.onLog((l) => logs.push(l));
    await client.notify('$/cancelRequest', {} as unknown as { id: number });
    await client.notify('$/cancelRequest', { id: 12345 }); // unknown id: ignored
    const deadline = Date.now() + 20_000;
    while (!logs.some((l) => /\$\/cancelRequest needs params \{id\}/.test(l)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(logs.some((l) => /\$\/cancelRequest needs params \{id\}/.test(l)), logs.join('\n'));
    assert.equal((await client.request('status', undefined)).state, 'uninitialized');
  });

  it('stop() shuts the process down gracefully with no restart', async () => {
    client = new SidecarClient({ launch: sourceSidecarLaunch() });
    await client.start();
    const pid = client.pid!;
    await client.stop();
    assert.equal(client.state, 'stopped');
    assert.throws(() => process.kill(pid, 0));
  });
});
