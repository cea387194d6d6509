// Java data-flow graph as CodeBLEU's DFG_java builds it (GraphCodeBERT's extractor): edges
// "comesFrom" (a use of a variable comes from its last definitions) and "computedFrom" (an
// assigned variable is computed from the tokens on the right). States map a name to the token
// positions that last defined it; branches merge states, loops are walked twice.
// Lists the Python code turns into `list(set(...))` keep first-seen order here (Python's order for
// strings depends on the per-process hash seed, so the package itself is not deterministic there).
import { childByField, type TNode } from './tree';
import { isLeaf, pointKey, variableLeaves, type LeafToken } from './tokens';

export type Relation = 'comesFrom' | 'computedFrom';

export interface DfgEdge {
  code: string;
  idx: number;
  rel: Relation;
  names: string[];
  idxs: number[];
}

type States = Map<string, number[]>;

const IF_TYPES = new Set(['if_statement', 'else']);
/** Python's default recursion limit is 1000; deeper trees make the package fall back to an empty DFG. */
const MAX_DEPTH = 960;

export class DepthExceeded extends Error {}

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function byIdx(edges: DfgEdge[]): DfgEdge[] {
  return edges.sort((a, b) => a.idx - b.idx); // stable, like Python's sorted
}

/** Merge edges with the same (code, idx, rel), as the loop cases do, ordered by idx. */
function mergeLoopEdges(edges: DfgEdge[]): DfgEdge[] {
  const dic = new Map<string, DfgEdge>();
  for (const x of edges) {
    const key = `${x.code}\u0000${x.idx}\u0000${x.rel}`;
    const prev = dic.get(key);
    if (!prev) dic.set(key, { ...x });
    else {
      prev.names = uniq([...prev.names, ...x.names]);
      prev.idxs = uniq([...prev.idxs, ...x.idxs]).sort((a, b) => a - b);
    }
  }
  return byIdx([...dic.values()]);
}

export class JavaDfg {
  constructor(private readonly index: Map<string, LeafToken>) {}

  private tok(key: string): LeafToken {
    const t = this.index.get(key);
    if (!t) throw new Error(`token ${key} not indexed`);
    return t;
  }

  private field(node: TNode, name: string): TNode {
    const f = childByField(node, name);
    if (!f) throw new Error(`${node.type} has no ${name}`); // the package raises here too (None has no children)
    return f;
  }

  run(node: TNode, inStates: States, depth = 0): [DfgEdge[], States] {
    if (depth > MAX_DEPTH) throw new DepthExceeded('tree too deep');
    if (isLeaf(node)) {
      // Leaves return the caller's map unless they define a name (every other case copies on entry).
      const { idx, code } = this.tok(pointKey(node));
      if (node.type === code) return [[], inStates];
      const prev = inStates.get(code);
      if (prev) return [[{ code, idx, rel: 'comesFrom', names: [code], idxs: [...prev] }], inStates];
      if (node.type !== 'identifier') return [[{ code, idx, rel: 'comesFrom', names: [], idxs: [] }], inStates];
      const defined = new Map(inStates).set(code, [idx]);
      return [[{ code, idx, rel: 'comesFrom', names: [], idxs: [] }], defined];
    }
    // Python copies the states on every call; here a node copies only before it writes itself
    // (children return fresh maps when they change anything), which gives the same results.
    let states: States = inStates;
    let owned = false;
    const write = (name: string, idxs: number[]): void => {
      if (!owned) {
        states = new Map(states);
        owned = true;
      }
      states.set(name, idxs);
    };
    const d = depth + 1;
    const type = node.type;
    const dfg: DfgEdge[] = [];
    const visit = (child: TNode): void => {
      const [t, s] = this.run(child, states, d);
      for (const e of t) dfg.push(e);
      if (s !== states) {
        states = s;
        owned = false;
      }
    };
    const link = (nameNode: TNode, valueNode: TNode, rel: Relation): void => {
      const names = variableLeaves(nameNode, this.index);
      const values = variableLeaves(valueNode, this.index);
      for (const k1 of names) {
        const t1 = this.tok(k1);
        for (const k2 of values) {
          const t2 = this.tok(k2);
          dfg.push({ code: t1.code, idx: t1.idx, rel, names: [t2.code], idxs: [t2.idx] });
        }
        write(t1.code, [t1.idx]);
      }
    };
    if (type === 'variable_declarator') {
      const name = this.field(node, 'name');
      const value = childByField(node, 'value');
      if (!value) {
        for (const k of variableLeaves(name, this.index)) {
          const t = this.tok(k);
          dfg.push({ code: t.code, idx: t.idx, rel: 'comesFrom', names: [], idxs: [] });
          write(t.code, [t.idx]);
        }
        return [byIdx(dfg), states];
      }
      visit(value);
      link(name, value, 'comesFrom');
      return [byIdx(dfg), states];
    }
    if (type === 'assignment_expression') {
      const left = this.field(node, 'left');
      const right = this.field(node, 'right');
      visit(right);
      link(left, right, 'computedFrom');
      return [byIdx(dfg), states];
    }
    if (type === 'update_expression') {
      link(node, node, 'computedFrom');
      return [byIdx(dfg), states];
    }
    if (IF_TYPES.has(type)) return this.ifStatement(node, inStates, d);
    if (type === 'for_statement') {
      for (const c of node.children) visit(c);
      let flag = false;
      for (const c of node.children) {
        if (flag) visit(c);
        else if (c.type === 'local_variable_declaration') flag = true;
      }
      return [mergeLoopEdges(dfg), states];
    }
    if (type === 'enhanced_for_statement') {
      const name = this.field(node, 'name');
      const value = this.field(node, 'value');
      const body = this.field(node, 'body');
      for (let i = 0; i < 2; i++) {
        visit(value);
        link(name, value, 'computedFrom');
        visit(body);
      }
      return [mergeLoopEdges(dfg), states];
    }
    if (type === 'while_statement') {
      for (let i = 0; i < 2; i++) for (const c of node.children) visit(c);
      return [mergeLoopEdges(dfg), states];
    }
    for (const c of node.children) visit(c);
    return [byIdx(dfg), states];
  }

  private ifStatement(node: TNode, states: States, d: number): [DfgEdge[], States] {
    const dfg: DfgEdge[] = [];
    let current: States = new Map(states);
    const others: States[] = [];
    let flag = false;
    let tag = node.type.includes('else');
    for (const child of node.children) {
      if (child.type.includes('else')) tag = true;
      if (!IF_TYPES.has(child.type) && !flag) {
        const [t, s] = this.run(child, current, d);
        dfg.push(...t);
        current = s;
      } else {
        flag = true;
        const [t, s] = this.run(child, states, d);
        dfg.push(...t);
        others.push(s);
      }
    }
    others.push(current);
    if (!tag) others.push(states);
    const merged: States = new Map();
    for (const dic of others) {
      for (const [k, v] of dic) {
        const prev = merged.get(k);
        if (!prev) merged.set(k, [...v]);
        else prev.push(...v);
      }
    }
    for (const [k, v] of merged) merged.set(k, uniq(v).sort((a, b) => a - b));
    return [byIdx(dfg), merged];
  }
}
