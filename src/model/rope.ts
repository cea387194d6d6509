// Rotary position tables as Hugging Face computes them (`modeling_rope_utils.py`): the inverse
// frequencies of the rotated dimensions, changed by `rope_scaling` / `rope_parameters` (linear,
// dynamic, llama3, yarn), and the cos/sin tables [maxPositions, rotaryDim] every family reads. Partial
// rotary (phi's `partial_rotary_factor`, codegen's `rotary_dim`) rotates only the first `rotaryDim`
// dimensions of each head; `interleaved` (codegen, GPT-J style) pairs dimensions 2i and 2i+1 instead of
// i and i + rotaryDim/2, and its tables repeat each frequency twice in a row.
import type { ModelConfig, RopeScaling } from './config';

/** The dimensions of a head that RoPE rotates (the rest pass through). */
export function rotaryDim(cfg: ModelConfig): number {
  return cfg.rotaryDim ?? cfg.headDim;
}

/** yarn's attention factor on cos/sin (1 for every other kind). */
export function ropeAttentionScale(cfg: ModelConfig): number {
  const s = cfg.ropeScaling;
  if (s?.type !== 'yarn') return 1;
  if (s.attentionFactor !== undefined) return s.attentionFactor;
  const mscale = (scale: number, m = 1): number => (scale <= 1 ? 1 : 0.1 * m * Math.log(scale) + 1);
  if (s.mscale && s.mscaleAllDim) return mscale(s.factor, s.mscale) / mscale(s.factor, s.mscaleAllDim);
  return mscale(s.factor);
}

/** Inverse frequencies (float32 values) of the rotated pairs, after scaling. */
export function inverseFrequencies(cfg: ModelConfig): Float64Array {
  const dim = rotaryDim(cfg);
  const base = cfg.ropeTheta;
  const inv = new Float64Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) inv[i] = Math.fround(1 / Math.fround(Math.pow(base, Math.fround((2 * i) / dim))));
  const s = cfg.ropeScaling;
  if (!s) return inv;
  // dynamic NTK only changes the base for sequences longer than max_position_embeddings, which the
  // tables (maxPositions rows) never reach: within them it is the plain rotary embedding
  if (s.type === 'dynamic') return inv;
  if (s.type === 'linear') return inv.map((v) => Math.fround(v / s.factor));
  if (s.type === 'llama3') return llama3(inv, s);
  return yarn(cfg, s);
}

function llama3(inv: Float64Array, s: RopeScaling): Float64Array {
  const old = s.originalMaxPositions!;
  const low = s.lowFreqFactor!;
  const high = s.highFreqFactor!;
  const lowWavelen = old / low;
  const highWavelen = old / high;
  return inv.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return Math.fround(f / s.factor);
    const smooth = (old / wavelen - low) / (high - low);
    return Math.fround((1 - smooth) * (f / s.factor) + smooth * f);
  });
}

function yarn(cfg: ModelConfig, s: RopeScaling): Float64Array {
  const dim = rotaryDim(cfg);
  const base = cfg.ropeTheta;
  const orig = s.originalMaxPositions ?? cfg.maxPositions;
  const correction = (rotations: number) => (dim * Math.log(orig / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
  let lo = correction(s.betaFast ?? 32);
  let hi = correction(s.betaSlow ?? 1);
  if (s.truncate !== false) {
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
  }
  lo = Math.max(lo, 0);
  hi = Math.min(hi, dim - 1);
  if (lo === hi) hi += 0.001;
  const out = new Float64Array(dim / 2);
  for (let i = 0; i < dim / 2; i++) {
    const posFreq = Math.fround(Math.pow(base, Math.fround((2 * i) / dim)));
    const extrapolation = Math.fround(1 / posFreq);
    const interpolation = Math.fround(1 / Math.fround(s.factor * posFreq));
    const ramp = Math.min(1, Math.max(0, Math.fround((i - lo) / (hi - lo))));
    const extrapolationFactor = 1 - ramp;
    out[i] = Math.fround(interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor);
  }
  return out;
}

/**
 * cos/sin tables [maxPositions, rotaryDim] in the layout of the family's rotation: `cat(freqs, freqs)`
 * (rotate_half) or each frequency repeated twice in a row (interleaved), times yarn's attention factor.
 */
export function ropeTables(cfg: ModelConfig): { cos: Float32Array; sin: Float32Array } {
  const D = rotaryDim(cfg);
  const inv = inverseFrequencies(cfg);
  const scale = ropeAttentionScale(cfg);
  const cos = new Float32Array(cfg.maxPositions * D);
  const sin = new Float32Array(cfg.maxPositions * D);
  for (let pos = 0; pos < cfg.maxPositions; pos++)
    for (let i = 0; i < D / 2; i++) {
      const a = Math.fround(pos * inv[i]);
      const c = Math.fround(Math.cos(a) * scale);
      const s = Math.fround(Math.sin(a) * scale);
      const [j, k] = cfg.ropeInterleaved ? [2 * i, 2 * i + 1] : [i, i + D / 2];
      cos[pos * D + j] = cos[pos * D + k] = c;
      sin[pos * D + j] = sin[pos * D + k] = s;
    }
  return { cos, sin };
}

/** The half tables [maxPositions, rotaryDim/2] of ONNX Runtime's contrib RotaryEmbedding. */
export function halfRopeTables(cfg: ModelConfig): { cos: Float32Array; sin: Float32Array } {
  const D = rotaryDim(cfg);
  const full = ropeTables(cfg);
  const half = (t: Float32Array) => {
    const o = new Float32Array(cfg.maxPositions * (D / 2));
    for (let r = 0; r < cfg.maxPositions; r++)
      for (let i = 0; i < D / 2; i++) o[r * (D / 2) + i] = t[r * D + (cfg.ropeInterleaved ? 2 * i : i)];
    return o;
  };
  return { cos: half(full.cos), sin: half(full.sin) };
}
