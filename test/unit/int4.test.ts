// int4 block quantisation (src/model/int4.ts) in MatMulNBits' layout, and the 16-bit conversions the
// int4 graph keeps embeddings in (src/model/safetensors.ts).
import assert from 'node:assert/strict';
import { dequantizeInt4, quantizeInt4, type Int4BlockSize } from '../../src/model/int4';
import { floatToHalf, rowReader, toF32, type StTensor } from '../../src/model/safetensors';
import { rng } from '../../src/util/rng';

function randomMatrix(n: number, k: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * k }, () => (r() - 0.5) * (r() < 0.05 ? 8 : 1));
}

describe('int4 block quantisation (MatMulNBits layout)', () => {
  for (const [k, blockSize, asymmetric] of [[64, 32, false], [96, 32, true], [40, 32, true], [64, 128, false], [200, 64, false]] as [number, Int4BlockSize, boolean][])
    it(`K=${k}, block ${blockSize}, ${asymmetric ? 'asymmetric' : 'symmetric'}: every value within half a step of its block (a clamped +8: one step)`, () => {
      const n = 5;
      const w = randomMatrix(n, k, k + blockSize);
      const q = quantizeInt4(rowReader(w, k), n, k, { blockSize, asymmetric });
      const blocks = Math.ceil(k / blockSize);
      assert.equal(q.packed.length, n * blocks * (blockSize / 2));
      assert.equal(q.scales.length, n * blocks);
      assert.equal(q.zeroPoints?.length, asymmetric ? n * Math.ceil(blocks / 2) : undefined);
      const back = dequantizeInt4(q, blockSize);
      for (let r = 0; r < n; r++)
        for (let i = 0; i < k; i++) {
          const scale = q.scales[r * blocks + Math.floor(i / blockSize)];
          const step = Math.abs(scale);
          const err = Math.abs(back[r * k + i] - w[r * k + i]);
          // symmetric: a value near the opposite of the block's extreme would be +8 and is clamped to +7 (as ORT's own quantiser does)
          const clamped = !asymmetric && Math.abs(back[r * k + i] - 7 * scale) < 1e-7;
          assert.ok(err <= step / 2 + 1e-6 || (clamped && err <= step + 1e-6), `row ${r} col ${i}: error ${err} > half a step ${step / 2}`);
        }
    });

  it('symmetric: the largest-magnitude value of a block is exact (mapped to -8) and zero stays zero', () => {
    const k = 32;
    const w = new Float32Array(k);
    w[3] = -2.5;
    w[7] = 1.25;
    const q = quantizeInt4(rowReader(w, k), 1, k, { blockSize: 32, asymmetric: false });
    assert.equal(q.packed[1] >> 4, 0, 'k=3 (high nibble of byte 1), the largest magnitude: -8 + 8 = 0');
    assert.equal(q.packed[1] & 15, 8, 'k=2 (low nibble), zero: the zero point');
    assert.equal(q.packed[0] & 15, 8, 'zero is the zero point');
    const back = dequantizeInt4(q, 32);
    assert.equal(back[3], -2.5);
    assert.equal(back[0], 0);
  });

  it('asymmetric: zero points packed two per byte, low nibble first, and a row padded to whole bytes', () => {
    const k = 96; // 3 blocks: zero points of a row take 2 bytes
    const w = new Float32Array(2 * k);
    for (let i = 0; i < 2 * k; i++) w[i] = i % 96 < 32 ? 1 + (i % 7) : i % 96 < 64 ? -1 - (i % 5) : (i % 3) - 1;
    const q = quantizeInt4(rowReader(w, k), 2, k, { blockSize: 32, asymmetric: true });
    assert.equal(q.zeroPoints!.length, 4);
    assert.equal(q.zeroPoints![0] & 15, 0, 'an all-positive block: the range starts at 0, zero point 0');
    assert.equal(q.zeroPoints![0] >> 4, 15, 'an all-negative block: zero point 15');
    assert.equal(q.zeroPoints![1] >> 4, 0, 'the padding nibble stays 0');
  });
});

describe('16-bit weights kept in 16 bits', () => {
  it('floatToHalf rounds to nearest even and round-trips every finite F16 value', () => {
    const t: StTensor = { dtype: 'F16', shape: [1, 1], data: new Uint16Array(1) };
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue; // inf/NaN
      t.data[0] = h;
      const v = toF32(t)[0];
      assert.equal(floatToHalf(v), h === 0x8000 ? 0x8000 : h, `F16 ${h.toString(16)} (${v})`);
    }
    assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00, 'a tie rounds to even (down)');
    assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02, 'a tie rounds to even (up)');
    assert.equal(floatToHalf(70000), 0x7c00, 'overflow is infinity');
  });

  it('rowReader widens one row of F16 and BF16 exactly as toF32 does', () => {
    const bits = Uint16Array.from({ length: 24 }, (_, i) => 0x3000 + i * 97);
    for (const dtype of ['F16', 'BF16'] as const) {
      const t: StTensor = { dtype, shape: [4, 6], data: bits };
      const all = toF32(t);
      const out = new Float32Array(6);
      rowReader(t, 6)(2, out);
      assert.deepEqual([...out], [...all.subarray(12, 18)]);
    }
  });
});
