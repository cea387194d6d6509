// Training data: JSONL lines with `source` (the prompt: focal class + test class up to the test
// method's `{`) and `target` (the test body), the benchmark's format. Each pair becomes one token
// sequence whose loss covers the target only. Long pairs keep the whole target and the focal method;
// the context is trimmed first (one-line class members: signatures and fields), and a pair that
// still does not fit is dropped and counted. Reading never throws: bad lines become messages.
import { readJsonlObjects } from '../util/jsonl';

export interface Pair {
  source: string;
  target: string;
  id?: string;
}

export interface Example {
  ids: number[];
  promptLen: number; // the loss covers ids[promptLen..]
  id?: string;
}

export interface EncodeStats {
  pairs: number;
  examples: number;
  trimmed: number; // pairs whose context lost member lines
  linesTrimmed: number;
  dropped: number; // pairs that did not fit even after trimming
  tokens: number; // tokens over all examples
  targetTokens: number;
}

export function readPairs(file: string): { pairs: Pair[]; errors: string[] } {
  const { rows, errors } = readJsonlObjects(file);
  const pairs: Pair[] = [];
  for (const { line, value: r } of rows) {
    if (typeof r.source !== 'string' || typeof r.target !== 'string') {
      errors.push(`${file}:${line}: expected an object with string fields "source" and "target"`);
      continue;
    }
    if (!r.target.trim()) {
      errors.push(`${file}:${line}: empty target`);
      continue;
    }
    pairs.push({ source: r.source, target: r.target, id: typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : undefined });
  }
  return { pairs, errors };
}

/**
 * Indices of the lines of `source` that may be dropped: one-line declarations (`...;`) directly in a
 * class body, after the focal method (the first member with a body). Later lines come first.
 */
export function trimmableLines(source: string): number[] {
  const lines = source.split('\n');
  let depth = 0;
  let seenBody = false;
  const out: number[] = [];
  lines.forEach((line, i) => {
    const before = depth;
    depth += braceDelta(line);
    if (before === 2 || depth >= 2) seenBody = true;
    if (seenBody && before === 1 && depth === 1 && /;\s*(\/\/.*)?$/.test(line.trim()) && !/^\s*(@|\/\/)/.test(line)) out.push(i);
  });
  return out.reverse();
}

/** Net `{` minus `}` on a line, outside string/char literals and line comments. */
function braceDelta(line: string): number {
  let d = 0;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '/' && line[i + 1] === '/') break;
    else if (c === '{') d++;
    else if (c === '}') d--;
  }
  return d;
}

export interface TokenizerLike {
  encode(text: string): number[];
}

export function encodePairs(tok: TokenizerLike, pairs: Pair[], maxTokens: number): { examples: Example[]; stats: EncodeStats } {
  const stats: EncodeStats = { pairs: pairs.length, examples: 0, trimmed: 0, linesTrimmed: 0, dropped: 0, tokens: 0, targetTokens: 0 };
  const examples: Example[] = [];
  for (const p of pairs) {
    const tgt = tok.encode(p.target);
    let src = tok.encode(p.source);
    if (src.length + tgt.length > maxTokens) {
      const lines = p.source.split('\n');
      const cut = new Set<number>();
      const candidates = trimmableLines(p.source);
      let over = src.length + tgt.length - maxTokens;
      while (over > 0 && cut.size < candidates.length) {
        // Drop candidates (last first) until the estimated saving covers the excess, then re-encode.
        let saved = 0;
        for (const i of candidates) {
          if (cut.has(i)) continue;
          cut.add(i);
          saved += tok.encode(lines[i] + '\n').length;
          if (saved >= over) break;
        }
        src = tok.encode(lines.filter((_, i) => !cut.has(i)).join('\n'));
        over = src.length + tgt.length - maxTokens;
      }
      if (over > 0) {
        stats.dropped++;
        continue;
      }
      stats.trimmed++;
      stats.linesTrimmed += cut.size;
    }
    if (src.length + tgt.length < 2) {
      stats.dropped++; // nothing to predict: a lone token has no next-token target
      continue;
    }
    examples.push({ ids: [...src, ...tgt], promptLen: src.length, id: p.id });
    stats.tokens += src.length + tgt.length;
    stats.targetTokens += tgt.length;
  }
  stats.examples = examples.length;
  return { examples, stats };
}

/** Loss positions and labels of an example: position t predicts ids[t + 1], for target tokens only. */
export function lossTargets(e: Example): { positions: number[]; labels: number[] } {
  const positions: number[] = [];
  const labels: number[] = [];
  for (let t = Math.max(e.promptLen, 1); t < e.ids.length; t++) {
    positions.push(t - 1);
    labels.push(e.ids[t]);
  }
  return { positions, labels };
}
