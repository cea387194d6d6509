import assert from 'node:assert/strict';
import { RestartPolicy, backoffDelay, DEFAULT_BACKOFF } from '../../src/sidecar/backoff';

describe('sidecar restart policy', () => {
  const o = { initialMs: 100, factor: 2, maxMs: 1000, maxRestarts: 6, resetAfterMs: 5000 };

  it('grows exponentially and is capped', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, o)), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(backoffDelay(0, DEFAULT_BACKOFF), DEFAULT_BACKOFF.initialMs);
  });

  it('gives up after maxRestarts consecutive crashes', () => {
    let t = 0;
    const p = new RestartPolicy(o, () => t);
    const delays: (number | null)[] = [];
    for (let i = 0; i < 8; i++) {
      p.started();
      t += 10; // crashes right away
      delays.push(p.crashed());
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000, null, null]);
  });

  it('starts the streak over after a process stayed up for resetAfterMs', () => {
    let t = 0;
    const p = new RestartPolicy(o, () => t);
    p.started();
    t += 10;
    assert.equal(p.crashed(), 100);
    p.started();
    t += 10;
    assert.equal(p.crashed(), 200);
    p.started();
    t += 5000; // healthy run
    assert.equal(p.crashed(), 100);
    assert.equal(p.consecutiveCrashes, 1);
  });

  it('reset() forgets the streak (an explicit start by the user)', () => {
    let t = 0;
    const p = new RestartPolicy({ ...o, maxRestarts: 1 }, () => t);
    p.started();
    assert.equal(p.crashed(), 100);
    p.started();
    assert.equal(p.crashed(), null);
    p.reset();
    p.started();
    assert.equal(p.crashed(), 100);
  });
});
