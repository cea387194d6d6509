import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { sharedAbortSignal } from '../../src/sidecar/shared-abort';

describe('sidecar shared abort signal', () => {
  it('aborts while this thread never yields: another thread sets the slot', async () => {
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const { controller } = sharedAbortSignal(flags, 7);
    let abortEvents = 0;
    controller.signal.addEventListener('abort', () => abortEvents++);
    // The setter thread waits until told to go, then stores our job number.
    const go = new Int32Array(new SharedArrayBuffer(4));
    const setter = new Worker(
      `const { workerData } = require('node:worker_threads');
       const [go, flags] = workerData;
       Atomics.wait(go, 0, 0);
       Atomics.store(flags, 0, 7);`,
      { eval: true, workerData: [go, flags] },
    );
    await new Promise((r) => setter.once('online', r));
    Atomics.store(go, 0, 1);
    Atomics.notify(go, 0);
    // A synchronous loop, like a decode loop that never gives the event loop a turn.
    const deadline = Date.now() + 10_000;
    let reads = 0;
    while (!controller.signal.aborted && Date.now() < deadline) reads++;
    assert.equal(controller.signal.aborted, true, `not aborted after ${reads} reads`);
    assert.equal(abortEvents, 1, 'the abort event fired synchronously, once');
    assert.throws(() => controller.signal.throwIfAborted(), /cancelled/);
    await setter.terminate();
  });

  it("ignores another job's number, and still aborts the usual way", () => {
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const { controller, check } = sharedAbortSignal(flags, 3);
    Atomics.store(flags, 0, 2);
    assert.equal(controller.signal.aborted, false);
    assert.doesNotThrow(() => controller.signal.throwIfAborted());
    assert.equal(check(), false);
    controller.abort();
    assert.equal(controller.signal.aborted, true);
  });

  it('throwIfAborted sees the slot without a prior read of aborted', () => {
    const flags = new Int32Array(new SharedArrayBuffer(4));
    const { controller } = sharedAbortSignal(flags, 5);
    Atomics.store(flags, 0, 5);
    assert.throws(() => controller.signal.throwIfAborted(), /cancelled/);
  });
});
