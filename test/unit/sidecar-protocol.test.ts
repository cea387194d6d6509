import assert from 'node:assert/strict';
import { RpcConnection, ConnectionClosedError } from '../../src/sidecar/connection';
import { ErrorCodes, RpcError, checkGenerate, checkInitialize, checkAdapterSelect, classify } from '../../src/sidecar/protocol';
import { gpuGenerateDeadlineMs, gpuLoadDeadlineMs, HUNG_AFTER_CANCEL_MS, requestDeadlineMs } from '../../src/sidecar/deadlines';
import { CancellationTokenSource, tokenToSignal } from '../../src/sidecar/cancellation';

/** Two endpoints wired back to back; delivery is async, like a pipe. */
function pair(serverOpts = {}) {
  const problems: string[] = [];
  const wire: { server?: RpcConnection; client?: RpcConnection } = {};
  const server = new RpcConnection((t) => setImmediate(() => wire.client!.feed(t)), { ...serverOpts, onProblem: (m) => problems.push(m) });
  const client = new RpcConnection((t) => setImmediate(() => wire.server!.feed(t)), { onProblem: (m) => problems.push(m) });
  wire.server = server;
  wire.client = client;
  return { server, client, problems };
}

describe('sidecar protocol: messages', () => {
  it('classifies requests, notifications, responses and invalid messages', () => {
    assert.equal(classify({ jsonrpc: '2.0', id: 1, method: 'status' }).kind, 'request');
    assert.equal(classify({ jsonrpc: '2.0', method: 'status' }).kind, 'notification');
    assert.equal(classify({ jsonrpc: '2.0', id: 'a', result: null }).kind, 'response');
    assert.equal(classify({ jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm' } }).kind, 'response');
    for (const bad of [null, 3, [], { id: 1, method: 'x' }, { jsonrpc: '2.0', id: {}, method: 'x' }, { jsonrpc: '2.0', id: 1 }, { jsonrpc: '2.0', id: 1, error: 'x' }, { jsonrpc: '2.0', method: 'x', params: 5 }]) {
      const c = classify(bad);
      assert.equal(c.kind, 'invalid', JSON.stringify(bad));
    }
  });

  it('validates params with clear messages', () => {
    assert.deepEqual(checkInitialize({ modelDir: '/m' }), { ok: true, value: { modelDir: '/m', provider: 'auto', adapterDirs: undefined } });
    assert.match((checkInitialize({ modelDir: '/m', provider: 'tpu' }) as { error: string }).error, /provider must be one of auto, cuda, webgpu, cpu/);
    assert.match((checkInitialize({}) as { error: string }).error, /modelDir/);
    assert.equal((checkInitialize({ modelDir: '/m', deadlineMs: 20_000 }) as { value: { deadlineMs?: number } }).value.deadlineMs, 20_000);
    assert.equal((checkInitialize({ modelDir: '/m', deadlineMs: -1 }) as { error: string }).error, 'deadlineMs must be a positive integer (ms)');
    assert.equal(checkGenerate({ context: 'x', maxNewTokens: 4, temperature: 0.7, seed: 3, adapter: null }).ok, true);
    assert.match((checkGenerate({ context: 'x', maxNewTokens: 0 }) as { error: string }).error, /maxNewTokens must be a positive integer/);
    assert.match((checkGenerate({ context: 'x', maxNewTokens: 3, topP: 2 }) as { error: string }).error, /topP/);
    assert.match((checkGenerate({ context: 1, maxNewTokens: 3 }) as { error: string }).error, /context/);
    // the client's deadline (SidecarClient sends it; the sidecar stops a GPU generation before it)
    assert.equal(checkGenerate({ context: 'x', maxNewTokens: 3, deadlineMs: 60_750 }).ok, true);
    assert.equal((checkGenerate({ context: 'x', maxNewTokens: 3, deadlineMs: 0 }) as { error: string }).error, 'deadlineMs must be a positive integer (ms)');
    assert.equal(checkAdapterSelect({ name: null }).ok, true);
    assert.equal(checkAdapterSelect({}).ok, false);
  });
});

describe('sidecar protocol: connection', () => {
  it('answers requests, reports unknown methods and handler errors with their codes', async () => {
    const { server, client } = pair();
    server.onRequest('add', (p) => (p as { a: number; b: number }).a + (p as { a: number; b: number }).b);
    server.onRequest('boom', () => {
      throw new RpcError(ErrorCodes.AdapterFailed, 'bad adapter', { dir: '/x' });
    });
    server.onRequest('oops', async () => {
      throw new Error('plain failure');
    });
    assert.equal(await client.request('add', { a: 2, b: 3 }), 5);
    await assert.rejects(client.request('nope'), (e: RpcError) => e.code === ErrorCodes.MethodNotFound && /unknown method 'nope'/.test(e.message));
    await assert.rejects(client.request('boom'), (e: RpcError) => e.code === ErrorCodes.AdapterFailed && (e.data as { dir: string }).dir === '/x');
    await assert.rejects(client.request('oops'), (e: RpcError) => e.code === ErrorCodes.InternalError && e.message === 'plain failure');
  });

  it('turns $/cancelRequest into an aborted signal for the running handler', async () => {
    const { server, client } = pair();
    let sawAbort = false;
    server.onRequest('slow', (_p, ctx) => new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => {
        sawAbort = true;
        reject(new RpcError(ErrorCodes.RequestCancelled, 'cancelled'));
      });
    }));
    const source = new CancellationTokenSource();
    const { signal } = tokenToSignal(source.token);
    const p = client.request('slow', {}, signal);
    setTimeout(() => source.cancel(), 20);
    await assert.rejects(p, (e: RpcError) => e.code === ErrorCodes.RequestCancelled);
    assert.equal(sawAbort, true);
  });

  it('delivers notifications in order and lets a handler unsubscribe', async () => {
    const { server, client } = pair();
    const seen: unknown[] = [];
    const off = client.onNotification('generate/partial', (p) => seen.push(p));
    server.onRequest('go', () => {
      for (let i = 0; i < 5; i++) server.notify('generate/partial', { id: 1, seq: i, delta: String(i) });
      return 'done';
    });
    assert.equal(await client.request('go'), 'done');
    assert.deepEqual(seen.map((s) => (s as { seq: number }).seq), [0, 1, 2, 3, 4]);
    off();
    await client.request('go');
    assert.equal(seen.length, 5);
  });

  it('answers a non-JSON line with ParseError when acting as a server', async () => {
    const got: unknown[] = [];
    const server = new RpcConnection((t) => got.push(JSON.parse(t)), { answerGarbage: true });
    server.feed('this is not json\n');
    assert.equal(got.length, 1);
    assert.deepEqual((got[0] as { error: { code: number } }).error.code, ErrorCodes.ParseError);
    assert.equal((got[0] as { id: null }).id, null);
  });

  it('fails pending requests when closed, and refuses new ones', async () => {
    const { server, client } = pair();
    server.onRequest('never', () => new Promise(() => undefined));
    const p = client.request('never');
    await new Promise((r) => setTimeout(r, 10));
    client.close('peer died');
    await assert.rejects(p, (e: Error) => e instanceof ConnectionClosedError && /peer died/.test(e.message));
    await assert.rejects(client.request('never'), ConnectionClosedError);
  });

  it('cancellation token source: listeners fire once, late subscribers still hear it', async () => {
    const s = new CancellationTokenSource();
    let n = 0;
    s.token.onCancellationRequested(() => n++);
    const d = s.token.onCancellationRequested(() => n += 10);
    d.dispose();
    s.cancel();
    s.cancel();
    assert.equal(s.token.isCancellationRequested, true);
    await new Promise<void>((r) => s.token.onCancellationRequested(() => r()));
    assert.equal(n, 1);
  });

  it('on a GPU the sidecar stops a generation early enough that a hang is answered before the client gives up', () => {
    for (const client of [requestDeadlineMs('generate', { maxNewTokens: 256 }), requestDeadlineMs('generate', { maxNewTokens: 1 }), 14_000]) {
      const own = gpuGenerateDeadlineMs(client);
      assert.ok(own + HUNG_AFTER_CANCEL_MS < client, `client ${client} ms: stop at ${own} ms, hang found at ${own + HUNG_AFTER_CANCEL_MS} ms`);
      assert.ok(own >= client / 2, 'the GPU gets at least half of the time');
    }
    assert.equal(gpuGenerateDeadlineMs(124_000), 117_000);
  });

  it('a model load on a GPU is given up at half the initialize deadline, leaving the other half to the CPU load', () => {
    assert.equal(gpuLoadDeadlineMs(requestDeadlineMs('initialize', { modelDir: '/m' })), 90_000);
    assert.equal(gpuLoadDeadlineMs(20_001), 10_000);
  });
});
