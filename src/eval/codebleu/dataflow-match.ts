// Dataflow match of CodeBLEU (the `codebleu` pip package's corpus_dataflow_match):
// comments removed, DFG extracted, edges whose node neither has parents nor is anyone's parent
// dropped, edges at the same token merged, variables renamed var_0, var_1, … in order of first
// appearance, then each reference edge (name, relation, parent names) found in the candidate's
// edges is counted once and consumed. Corpus score = matched / reference edges; 0 when the
// references yield no edges at all (CodeBLEU then substitutes 1 for it, see codebleu.ts).
import { DepthExceeded, JavaDfg, type DfgEdge } from './dfg';
import type { MatchCounts } from './syntax-match';
import { indexLeaves, SourceLines } from './tokens';
import type { TNode } from './tree';

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** get_data_flow: the filtered, merged DFG of one snippet ([] when the extractor fails). */
export function dataFlow(root: TNode, code: string): DfgEdge[] {
  let edges: DfgEdge[];
  try {
    const index = indexLeaves(root, new SourceLines(code));
    edges = new JavaDfg(index).run(root, new Map())[0];
  } catch (e) {
    // The package catches every exception of the extractor (a missing field, recursion depth) → no edges.
    if (!(e instanceof Error || e instanceof DepthExceeded)) throw e;
    edges = [];
  }
  edges = [...edges].sort((a, b) => a.idx - b.idx);
  const used = new Set<number>();
  for (const d of edges) {
    if (d.idxs.length) used.add(d.idx);
    for (const x of d.idxs) used.add(x);
  }
  const merged = new Map<number, DfgEdge>();
  for (const d of edges) {
    if (!used.has(d.idx)) continue;
    const prev = merged.get(d.idx);
    if (!prev) merged.set(d.idx, d);
    else merged.set(d.idx, { code: d.code, idx: d.idx, rel: d.rel, names: uniq([...prev.names, ...d.names]), idxs: uniq([...prev.idxs, ...d.idxs]) });
  }
  return [...merged.values()];
}

/** normalize_dataflow: rename variables var_i in order of first appearance (parents before the node). */
export function normalizeDataFlow(edges: readonly DfgEdge[]): string[] {
  const names = new Map<string, string>();
  const norm = (n: string): string => {
    let v = names.get(n);
    if (v === undefined) {
      v = `var_${names.size}`;
      names.set(n, v);
    }
    return v;
  };
  return edges.map((e) => {
    const parents = e.names.map(norm);
    const self = norm(e.code);
    return `${self}|${e.rel}|${parents.join(',')}`;
  });
}

/** Matched and total reference edges for one (reference, candidate) pair of normalized edges. */
export function dataflowCounts(reference: readonly string[], candidate: readonly string[]): MatchCounts {
  const pool = new Map<string, number>();
  for (const c of candidate) pool.set(c, (pool.get(c) ?? 0) + 1);
  let matched = 0;
  for (const r of reference) {
    const left = pool.get(r) ?? 0;
    if (left > 0) {
      matched++;
      pool.set(r, left - 1);
    }
  }
  return { matched, total: reference.length };
}
