// Lookups the symbol constraint (symbol-constraint.ts) makes per candidate token, precomputed from one
// SymbolScope (src/symbols/scope.ts): the sorted names a bare identifier may start with, and per type
// (static reference or value) the sorted names of its members with their supertypes'. A prefix check is
// a binary search, so a candidate token costs a few comparisons however large the scope is. Tables are
// built on first use and kept per scope object (the in-process pipeline passes the same scope to every
// candidate of one test). A type is constrained only when it and every supertype are in the scope and it
// is `complete`: anything else is unknown and answers undefined (never forbidden). Pure; never throws.
import type { MethodSymbol, SymbolScope, TypeSymbols } from '../../symbols/scope';

/** What one member name of a type is: a method (its overloads merged with the supertypes'), a field, a nested type, a keyword. */
export interface Member {
  method?: { arities: number[]; varargs: boolean; returns: Record<number, string> };
  field?: { type: string; static: boolean };
  nested?: string; // qualified name
  keyword?: boolean; // `class`, `this`, `super` after a type; `new` after a value
}

export interface MemberTable {
  names: string[]; // sorted
  members: Map<string, Member>;
}

/** Java's keywords and literals, and the contextual keywords a statement may start with: never unknown symbols. */
export const JAVA_KEYWORDS = new Set(
  ('abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements ' +
    'import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws ' +
    'transient try void volatile while true false null var yield record sealed permits').split(' '),
);

/** Keywords only where a statement starts (`var x`, `record R(…)`, `yield v`), names elsewhere. */
export const CONTEXTUAL_KEYWORDS = new Set(['var', 'record', 'yield', 'sealed', 'permits']);

export const PRIMITIVES = new Set(['boolean', 'byte', 'char', 'short', 'int', 'long', 'float', 'double', 'void']);

/** java.lang.Object's public methods: every reference type has them, also when the scope lacks Object. */
const OBJECT_METHODS: Record<string, number[]> = { equals: [1], hashCode: [0], toString: [0], getClass: [0], notify: [0], notifyAll: [0], wait: [0, 1, 2] };

/** True when some name of `sorted` starts with `prefix`. */
export function hasPrefix(sorted: readonly string[], prefix: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo].startsWith(prefix);
}

/**
 * A type name as a lookup key: erasure (`List<String>` → `List`), '' for arrays, type variables read
 * as `java.lang.Object` and anything that is not a name (unknown: a generic method's `T get()` erased to
 * Object must not constrain what follows `xs.get(0).`).
 */
export function typeKey(type: unknown): string {
  if (typeof type !== 'string') return '';
  const erased = type.replace(/<[^[]*>/g, '').replace(/\s+/g, '');
  if (/^[\w$.]+(\[\])+$/.test(erased)) return erased; // an array: its members do not depend on the element type
  if (erased === 'java.lang.Object' || !/^[\w$.]+$/.test(erased)) return '';
  return erased;
}

/** What every array has: `length`, `clone()` and Object's methods. */
const ARRAY_TABLE: MemberTable = (() => {
  const members = new Map<string, Member>([['length', { field: { type: 'int', static: false } }], ['clone', { method: { arities: [0], varargs: false, returns: {} } }]]);
  for (const [name, arities] of Object.entries(OBJECT_METHODS)) members.set(name, { method: { arities, varargs: false, returns: {} } });
  return { names: [...members.keys()].sort(), members };
})();

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class SymbolTables {
  /** Sorted names a bare identifier may be besides locals: visible types, static imports and the test class's members, keywords, package roots. */
  readonly bare: string[];
  /** Whether an unknown bare identifier may be refused: unless the scope says a name missing from bareNames may still exist. */
  readonly closed: boolean;
  private readonly packageRoots = new Set<string>();
  private readonly tables = new Map<string, MemberTable | undefined>();

  constructor(readonly scope: SymbolScope) {
    for (const q of [...Object.values(scope.visibleTypes), ...Object.keys(scope.types), ...scope.knownPackages]) {
      if (typeof q === 'string' && q.includes('.')) this.packageRoots.add(q.slice(0, q.indexOf('.')));
    }
    // contextual keywords (`record`, `var`, …) are names anywhere but where a statement starts: the tracker allows them there
    const keywords = [...JAVA_KEYWORDS].filter((k) => !CONTEXTUAL_KEYWORDS.has(k));
    const names = new Set<string>([...Object.keys(scope.visibleTypes), ...Object.keys(scope.bareNames), ...keywords, ...this.packageRoots]);
    this.bare = [...names].sort();
    this.closed = scope.bareNamesIncomplete !== true;
  }

  /** Qualified name of a type the test names by its simple name, or undefined. */
  visibleType(simple: string): string | undefined {
    const q = Object.prototype.hasOwnProperty.call(this.scope.visibleTypes, simple) ? this.scope.visibleTypes[simple] : undefined;
    return typeof q === 'string' ? q : undefined;
  }

  bareName(name: string): 'field' | 'method' | undefined {
    return Object.prototype.hasOwnProperty.call(this.scope.bareNames, name) ? this.scope.bareNames[name] : undefined;
  }

  isPackageRoot(name: string): boolean {
    return this.packageRoots.has(name);
  }

  type(qualified: string): TypeSymbols | undefined {
    const t = Object.prototype.hasOwnProperty.call(this.scope.types, qualified) ? this.scope.types[qualified] : undefined;
    return isRecord(t) ? t : undefined;
  }

  /** A qualified name the scope knows as a type (in `types` or among the visible types), for `pkg.Name`. */
  knowsType(qualified: string): boolean {
    return this.type(qualified) !== undefined || Object.values(this.scope.visibleTypes).includes(qualified);
  }

  /** Nested types of `owner` and its supertypes by simple name (the test class's own helper classes are bare type names in its methods). */
  nestedOf(owner: string, seen = new Set<string>(), out: Record<string, string> = {}): Record<string, string> {
    if (seen.has(owner)) return out;
    seen.add(owner);
    const t = this.type(owner);
    if (!t) return out;
    if (isRecord(t.nested)) for (const [simple, q] of Object.entries(t.nested)) if (typeof q === 'string') out[simple] ??= q;
    for (const s of Array.isArray(t.supertypes) ? t.supertypes : []) if (typeof s === 'string') this.nestedOf(s, seen, out);
    return out;
  }

  /** The type of a field of `owner` or a supertype (the test class's fixtures), '' when unknown. */
  fieldType(owner: string, name: string, seen = new Set<string>()): string {
    if (seen.has(owner)) return '';
    seen.add(owner);
    const t = this.type(owner);
    if (!t || !isRecord(t.fields)) return '';
    const f = t.fields[name];
    if (isRecord(f)) return typeKey(f.type);
    for (const s of Array.isArray(t.supertypes) ? t.supertypes : []) {
      const found = typeof s === 'string' ? this.fieldType(s, name, seen) : '';
      if (found) return found;
    }
    return '';
  }

  /** Members of a type through a static reference (`Foo.`) or a value (`foo.`); undefined when not known completely. */
  members(qualified: string, staticRef: boolean): MemberTable | undefined {
    if (qualified.endsWith('[]')) return staticRef ? undefined : ARRAY_TABLE;
    const key = `${staticRef ? 's' : 'v'}:${qualified}`;
    if (!this.tables.has(key)) this.tables.set(key, this.build(qualified, staticRef));
    return this.tables.get(key);
  }

  private build(qualified: string, staticRef: boolean): MemberTable | undefined {
    const root = this.type(qualified);
    if (!root || root.complete !== true) return undefined;
    const closure: TypeSymbols[] = [];
    const seen = new Set<string>();
    const visit = (q: string): boolean => {
      if (seen.has(q)) return true;
      seen.add(q);
      const t = this.type(q);
      if (!t) return q === 'java.lang.Object'; // Object's methods are added below
      if (!isRecord(t.methods) || !isRecord(t.fields) || !isRecord(t.nested) || !Array.isArray(t.supertypes)) return false;
      closure.push(t);
      return t.supertypes.every((s) => typeof s === 'string' && visit(typeKey(s) || 'java.lang.Object'));
    };
    if (!visit(qualified)) return undefined;
    const members = new Map<string, Member>();
    const entry = (name: string): Member => {
      let m = members.get(name);
      if (!m) members.set(name, (m = {}));
      return m;
    };
    const addMethod = (name: string, arities: number[], varargs: boolean, returns: Record<number, string>) => {
      const m = entry(name);
      m.method ??= { arities: [], varargs: false, returns: {} };
      for (const a of arities) if (!m.method.arities.includes(a)) m.method.arities.push(a);
      m.method.varargs ||= varargs;
      for (const [a, r] of Object.entries(returns)) m.method.returns[Number(a)] ??= r;
    };
    for (const t of closure) {
      // every method name is allowed through a static reference too: MethodSymbol.static is false when
      // any overload is an instance method, so a static overload of the same name may still exist
      for (const [name, raw] of Object.entries(t.methods)) {
        const m = raw as Partial<MethodSymbol>;
        const arities = Array.isArray(m.arities) ? m.arities.filter((a) => Number.isInteger(a)) : [];
        if (!arities.length) return undefined; // malformed: the type is unknown, not forbidding
        addMethod(name, arities, m.varargs === true, isRecord(m.returns) ? (m.returns as Record<number, string>) : {});
      }
      for (const [name, f] of Object.entries(t.fields)) {
        if (!isRecord(f)) return undefined;
        if (staticRef && f.static !== true) continue; // an instance field through the type does not compile
        entry(name).field ??= { type: typeof f.type === 'string' ? f.type : '', static: f.static === true };
        if (t.kind === 'record' && f.static !== true) addMethod(name, [0], false, { 0: typeof f.type === 'string' ? f.type : '' }); // accessor
      }
      if (staticRef) for (const [name, q] of Object.entries(t.nested)) if (typeof q === 'string') entry(name).nested ??= q;
      if (t === root && t.kind === 'enum' && staticRef) {
        addMethod('values', [0], false, {});
        addMethod('valueOf', [1, 2], false, { 1: qualified });
      }
    }
    for (const [name, arities] of Object.entries(OBJECT_METHODS)) addMethod(name, arities, false, {});
    for (const k of staticRef ? ['class', 'this', 'super'] : ['new']) entry(k).keyword = true;
    return { names: [...members.keys()].sort(), members };
  }
}
