// A plain-TypeScript mirror of the int8 inference graph's arithmetic, for the reference forward
// (`llamaForward(..., baseMatmul)`): weights quantised exactly as the graph stores them
// (`quantizeInt8`, per output row, symmetric), activations quantised per tensor to uint8 the way ONNX
// Runtime's DynamicQuantizeMatMul does it (range widened to include 0, scale = range / 255, zero point
// and values rounded half to even, float32 arithmetic), integer dot products, then acc · (sa · sw).
// The integer part is exact, so ORT and this mirror differ only by float rounding in the rest of the
// model. `saturatePairs` also mirrors the u8×s8 kernels of x86 CPUs without VNNI (VPMADDUBSW adds
// adjacent products into a saturating int16), to show what saturation does to the logits.
import type { BaseMatmul, Mat } from '../../../src/model/forward';
import type { Int8WeightMax } from '../../../src/runtime/int8-range';
import { quantizeInt8 } from '../../../src/model/inference';

const f = Math.fround;

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** uint8 values, scale and zero point of one activation tensor (every row together). */
export function quantizeActivations(x: Mat): { q: Uint8Array[]; scale: number; zeroPoint: number } {
  let min = 0;
  let max = 0;
  for (const row of x)
    for (const v of row) {
      const v32 = f(v);
      if (v32 < min) min = v32;
      if (v32 > max) max = v32;
    }
  const scale = max === min ? 1 : f(f(max - min) / 255);
  const zeroPoint = roundHalfEven(Math.max(0, Math.min(255, f(0 - f(min / scale)))));
  const q = x.map((row) => Uint8Array.from(row, (v) => Math.max(0, Math.min(255, roundHalfEven(f(f(v) / scale)) + zeroPoint))));
  return { q, scale, zeroPoint };
}

/** `weightMax`: the quantised weights' range (default: this CPU's, as the graph uses). */
export function int8Matmul(opts: { weightMax?: Int8WeightMax; saturatePairs?: boolean } = {}): BaseMatmul {
  const cache = new Map<string, ReturnType<typeof quantizeInt8>>();
  return (x, w, out, name) => {
    const inDim = x[0]?.length ?? 0;
    let qw = cache.get(name);
    if (!qw) cache.set(name, (qw = quantizeInt8(w, out, inDim, opts.weightMax)));
    const { values, scales } = qw; // values [in, out]
    const a = quantizeActivations(x);
    return a.q.map((qa) => {
      const y = new Float64Array(out);
      for (let o = 0; o < out; o++) {
        let acc = 0;
        let colSum = 0;
        for (let i = 0; i < inDim; i += 2) {
          const w0 = values[i * out + o];
          const w1 = i + 1 < inDim ? values[(i + 1) * out + o] : 0;
          let pair = qa[i] * w0 + (i + 1 < inDim ? qa[i + 1] * w1 : 0);
          if (opts.saturatePairs) pair = Math.max(-32768, Math.min(32767, pair));
          acc += pair;
          colSum += w0 + w1;
        }
        acc -= a.zeroPoint * colSum;
        y[o] = f(acc * f(a.scale * scales[o]));
      }
      return y;
    });
  };
}
