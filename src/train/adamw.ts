// AdamW in JavaScript over Float32Array parameters, with torch.optim.AdamW's update order (decoupled
// weight decay first, bias-corrected moments, eps added after the square root), and global-norm
// gradient clipping like torch.nn.utils.clip_grad_norm_. State (m, v, step) is plain arrays so a
// checkpoint can save and restore it exactly.
export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface AdamWState {
  step: number; // updates applied so far
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

export class AdamW {
  readonly state: AdamWState;

  constructor(
    readonly cfg: AdamWConfig,
    params: Map<string, Float32Array>,
    /** Parameters that get weight decay (HF Trainer: not biases or norm weights). */
    private readonly decay: (name: string) => boolean = () => true,
    state?: AdamWState,
  ) {
    this.state = state ?? {
      step: 0,
      m: new Map([...params].map(([k, p]) => [k, new Float32Array(p.length)])),
      v: new Map([...params].map(([k, p]) => [k, new Float32Array(p.length)])),
    };
  }

  /** Applies one update in place: params[k] -= lr · (m̂ / (√v̂ + eps) + wd · params[k]). */
  update(params: Map<string, Float32Array>, grads: Map<string, Float32Array>, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    const t = ++this.state.step;
    const bc1 = 1 - beta1 ** t;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    const stepSize = lr / bc1;
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (!g) throw new Error(`AdamW: no gradient for ${name}`);
      const m = this.state.m.get(name)!;
      const v = this.state.v.get(name)!;
      const wd = this.decay(name) ? 1 - lr * weightDecay : 1;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        p[i] = p[i] * wd - (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
      }
    }
  }
}

/** Hugging Face Trainer's rule: weight decay on every parameter except biases and normalisation weights. */
export function decaysLikeHf(name: string): boolean {
  return !/(^|\.)(bias|[a-z_]*norm[a-z_]*\.weight)$/.test(name);
}

/** Scales `grads` in place so their global L2 norm is at most `maxNorm`; returns the norm before. */
export function clipGradNorm(grads: Iterable<Float32Array>, maxNorm: number): number {
  const list = [...grads];
  let sq = 0;
  for (const g of list) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const g of list) for (let i = 0; i < g.length; i++) g[i] *= scale;
  }
  return norm;
}
