// Weight-only int4 quantisation in the layout of ONNX Runtime's com.microsoft MatMulNBits (bits 4):
// W [N = out, K = in] exactly as a Hugging Face linear stores it (no transpose), cut along K into blocks
// of `blockSize`; each block gets a float scale and, when asymmetric, a 4-bit zero point, and its values
// are rounded to nearest. B is uint8 [N, blocks, blockSize / 2], two values per byte, the even k in the
// low nibble; scales are float32 [N * blocks]; zero points are uint8 [N * ceil(blocks / 2)], two per byte
// (low nibble first), each row padded to whole bytes. Symmetric blocks use ONNX Runtime's implicit zero
// point 8, and the scale maps the block's largest-magnitude value to -8 (the full range -8..7), as ORT's
// own quantiser (MlasQuantizeBlockwise) does. A last block shorter than blockSize is padded with zeros.
// Rows are read one at a time through `row`, so a 16-bit checkpoint is never widened whole.

export type Int4BlockSize = 32 | 64 | 128;

export interface Int4Options {
  blockSize: Int4BlockSize;
  /** With a zero point per block (min/max range) instead of the implicit 8 (±max). */
  asymmetric: boolean;
}

export const INT4_DEFAULTS: Int4Options = { blockSize: 32, asymmetric: false };

export interface Int4Weight {
  /** uint8 [N, blocks, blockSize / 2] */
  packed: Uint8Array;
  /** float32 [N * blocks] */
  scales: Float32Array;
  /** uint8 [N * ceil(blocks / 2)] when asymmetric */
  zeroPoints?: Uint8Array;
  n: number;
  k: number;
  blocks: number;
}

/** Copies row `i` (K values) of the weight into `out`. */
export type RowReader = (i: number, out: Float32Array) => void;

export function quantizeInt4(row: RowReader, n: number, k: number, opts: Int4Options = INT4_DEFAULTS): Int4Weight {
  const { blockSize, asymmetric } = opts;
  const blocks = Math.ceil(k / blockSize);
  const half = blockSize / 2;
  const packed = new Uint8Array(n * blocks * half);
  const scales = new Float32Array(n * blocks);
  const zpRow = Math.ceil(blocks / 2);
  const zeroPoints = asymmetric ? new Uint8Array(n * zpRow) : undefined;
  const w = new Float32Array(blocks * blockSize); // the row, zero-padded to whole blocks
  const q = new Uint8Array(blockSize);
  for (let r = 0; r < n; r++) {
    row(r, w.subarray(0, k));
    for (let b = 0; b < blocks; b++) {
      const at = b * blockSize;
      let scale: number;
      let zp: number;
      if (asymmetric) {
        let lo = 0;
        let hi = 0; // the range always holds 0, so zero weights stay exact
        for (let j = 0; j < blockSize; j++) {
          const v = w[at + j];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        scale = (hi - lo) / 15;
        zp = scale > 0 ? Math.min(15, Math.max(0, Math.round(-lo / scale))) : 8;
      } else {
        let m = 0;
        for (let j = 0; j < blockSize; j++) if (Math.abs(w[at + j]) > Math.abs(m)) m = w[at + j];
        scale = m / -8;
        zp = 8;
      }
      const inv = scale !== 0 ? 1 / scale : 0;
      for (let j = 0; j < blockSize; j++) q[j] = Math.min(15, Math.max(0, Math.round(w[at + j] * inv) + zp));
      scales[r * blocks + b] = scale;
      const base = (r * blocks + b) * half;
      for (let j = 0; j < half; j++) packed[base + j] = q[2 * j] | (q[2 * j + 1] << 4);
      if (zeroPoints) zeroPoints[r * zpRow + (b >> 1)] |= b & 1 ? zp << 4 : zp;
    }
    w.fill(0, k); // keep the padding zero for the next row
  }
  return { packed, scales, zeroPoints, n, k, blocks };
}

/** The float values MatMulNBits multiplies by: W' [N, K] (tests and error measurements). */
export function dequantizeInt4(q: Int4Weight, blockSize: Int4BlockSize): Float32Array {
  const out = new Float32Array(q.n * q.k);
  const half = blockSize / 2;
  const zpRow = Math.ceil(q.blocks / 2);
  for (let r = 0; r < q.n; r++)
    for (let b = 0; b < q.blocks; b++) {
      const zpByte = q.zeroPoints ? q.zeroPoints[r * zpRow + (b >> 1)] : 0x88;
      const zp = b & 1 ? zpByte >> 4 : zpByte & 15;
      const scale = q.scales[r * q.blocks + b];
      for (let j = 0; j < blockSize; j++) {
        const kk = b * blockSize + j;
        if (kk >= q.k) break;
        const byte = q.packed[(r * q.blocks + b) * half + (j >> 1)];
        out[r * q.k + kk] = ((j & 1 ? byte >> 4 : byte & 15) - zp) * scale;
      }
    }
  return out;
}
