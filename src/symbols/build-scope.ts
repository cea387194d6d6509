// One generation's SymbolScope (./scope.ts) from the index: the names the test file can use without
// qualification (its imports — or, for a new test file, the focal file's —, its package, java.lang and
// what the pipeline imports on insertion), the test class's own and inherited members and static imports
// as bare names, and the types all these reach through supertypes, member return types and field types,
// breadth first from the focal class, at most `maxTypes` of them. Anything the index does not hold stays
// out (unknown), and a type whose supertypes are not all in the scope is marked incomplete.
import * as path from 'node:path';
import { importableOnInsertion } from '../java/imports';
import { sourceRootOf, tableTypes } from '../java/type-imports';
import { indexSourceFile } from './build-index';
import { typesFromSource } from './from-source';
import { own, record, type FileImports, type IndexedMember, type IndexedType } from './indexed-type';
import { resolvedType } from './resolve';
import type { MethodSymbol, SymbolScope, TypeSymbols } from './scope';
import type { SymbolIndex } from './symbol-index';

/** What buildScope reads of a prepared test (src/pipeline/prepare.ts's PreparedTest has these fields). */
export interface ScopeRequest {
  focalPath: string;
  focalText: string;
  method: { enclosingType: string };
  location: { packageName: string; testClassName: string; testFile: string };
  testText?: string;
  framework: 'junit4' | 'junit5';
  mockito: boolean;
}

export interface ScopeOptions {
  /** Most types in `types` (default 300): the focal class's neighbourhood first. */
  maxTypes?: number;
}

const DEFAULT_MAX_TYPES = 300;
/** Most types of the main source root listed as visible; a bigger root leaves bare names open instead. */
const MAX_ROOT_TYPES = 5000;

function memberType(t: string | undefined): string | undefined {
  if (!t) return undefined;
  const base = t.replace(/(\[\])+$/, '');
  return /^[a-z]+$/.test(base) ? undefined : base; // primitives (and void) reach no type
}

class ScopeBuilder {
  readonly scope: SymbolScope = { visibleTypes: record(), types: record(), bareNames: record(), knownPackages: [] };
  private readonly resolved = new Map<string, IndexedType | null>();
  bareNamesIncomplete = false;
  /** The test class: its own private members (fixtures) are visible to the test method. */
  ownClass = '';

  /** The test class or a type nested in it: its private members are visible to the test method. */
  own(name: string): boolean {
    return this.ownClass !== '' && (name === this.ownClass || name.startsWith(`${this.ownClass}.`));
  }

  constructor(readonly index: SymbolIndex, readonly testPackage: string) {}

  /** The index's type with resolved names (memoised for this scope). */
  type(name: string): IndexedType | undefined {
    let r = this.resolved.get(name);
    if (r === undefined) {
      const t = this.index.lookup(name);
      r = t ? resolvedType(this.index, t) : null;
      this.resolved.set(name, r);
    }
    return r ?? undefined;
  }

  visible(access: IndexedMember['access'], pkg: string): boolean {
    return access === 'public' || (access !== 'private' && pkg === this.testPackage);
  }

  symbolsOf(t: IndexedType): TypeSymbols {
    const methods = record<MethodSymbol>();
    const fields: TypeSymbols['fields'] = record();
    const constructors: number[] = [];
    let constructorVarargs = false;
    for (const m of t.members) {
      if (!this.visible(m.access, t.package) && !this.own(t.name)) continue;
      if (m.kind === 'constructor') {
        if (t.kind === 'interface' || t.kind === 'annotation' || t.kind === 'enum') continue;
        if (!constructors.includes(m.arity ?? 0)) constructors.push(m.arity ?? 0);
        constructorVarargs ||= !!m.varargs;
      } else if (m.kind === 'method') {
        const arity = m.arity ?? 0;
        const s = (methods[m.name] ??= { static: true, arities: [], varargs: false, returns: {} });
        s.static &&= m.static;
        s.varargs ||= !!m.varargs;
        if (!s.arities.includes(arity)) s.arities.push(arity);
        if (!Object.prototype.hasOwnProperty.call(s.returns, arity)) s.returns[arity] = m.type ?? '';
      } else fields[m.name] = { static: m.static, type: m.type ?? '' };
    }
    const nested = record<string>();
    for (const [simple, q] of Object.entries(t.nested)) {
      const n = this.index.lookup(q);
      if (!n || this.visible(n.access, n.package) || this.own(t.name)) nested[simple] = q; // the test class's own private nested types too
    }
    for (const s of Object.values(methods)) s.arities.sort((a, b) => a - b);
    constructors.sort((a, b) => a - b);
    return { kind: t.kind, supertypes: t.supertypes, complete: false, abstract: t.abstract, constructors, constructorVarargs, methods, fields, nested };
  }

  /** Breadth first from `seeds` (then `secondary`, two levels down), supertypes before member types, at most `max`. */
  closure(seeds: string[], secondary: string[], max: number): void {
    // The other visible types (java.lang, the package, on-demand imports) come after what the seeds' members reach.
    const buckets: string[][] = [[...seeds], [], [...secondary]];
    const queued = new Set([...seeds, ...secondary]);
    for (let depth = 0; depth < buckets.length; depth++) {
      const bucket = buckets[depth];
      for (let i = 0; i < bucket.length && Object.keys(this.scope.types).length < max; i++) {
        const t = this.type(bucket[i]);
        if (!t || this.scope.types[t.name]) continue;
        this.scope.types[t.name] = this.symbolsOf(t);
        const enqueue = (name: string | undefined, d: number): void => {
          if (!name || queued.has(name)) return;
          queued.add(name);
          (buckets[d] ??= []).push(name);
        };
        for (const s of t.supertypes) enqueue(s, depth); // the same depth: a type is only useful complete
        for (const m of t.members) if (m.kind !== 'constructor' && this.visible(m.access, t.package)) enqueue(memberType(m.type), depth + 1);
        for (const q of Object.values(t.nested)) enqueue(q, depth + 1);
      }
    }
    this.markComplete();
  }

  /** complete: every supertype, transitively, is in the scope (so its members are there to be checked). */
  private markComplete(): void {
    const state = new Map<string, boolean>();
    const complete = (name: string, path: Set<string>): boolean => {
      const known = state.get(name);
      if (known !== undefined) return known;
      const t = this.scope.types[name];
      if (!t || path.has(name)) return false;
      path.add(name);
      const ok = name === 'java.lang.Object' || (t.supertypes.length > 0 && t.supertypes.every((s) => complete(s, path)));
      path.delete(name);
      state.set(name, ok);
      return ok;
    };
    for (const [name, t] of Object.entries(this.scope.types)) t.complete = complete(name, new Set());
  }

  /** Simple names of the public top-level types of `pkg` (or nested types of a type imported on demand). */
  addPackage(pkg: string): void {
    const owner = this.index.lookup(pkg);
    if (owner) for (const [simple, q] of Object.entries(owner.nested)) this.scope.visibleTypes[simple] ??= q;
    for (const q of this.index.packageTypes(pkg)) {
      const t = this.index.lookup(q);
      if (t && this.visible(t.access, t.package)) this.scope.visibleTypes[q.slice(pkg.length + 1)] = q;
    }
  }

  /**
   * The top-level types of the indexed sources under `root` whose simple name is unique there (the
   * insertion step imports only those). False when there are more than `max`: then they are not listed.
   */
  addSourceRoot(root: string, max: number): boolean {
    if (!root) return true;
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    const byName = new Map<string, string | null>();
    for (const file of this.index.originsOf('source')) {
      if (!file.startsWith(prefix)) continue;
      for (const t of this.index.typesOf(file)) {
        const simple = t.package ? t.name.slice(t.package.length + 1) : t.name;
        if (simple.includes('.') || !this.visible(t.access, t.package)) continue;
        const seen = byName.get(simple);
        byName.set(simple, seen === undefined || seen === t.name ? t.name : null); // null: ambiguous
      }
    }
    if (byName.size > max) return false;
    for (const [simple, q] of byName) if (q) this.scope.visibleTypes[simple] = q;
    return true;
  }

  /** Static members of `owner` (and its supertypes) named `name` (all when undefined) as bare names. */
  addStatics(owner: string, name: string | undefined, seen = new Set<string>()): void {
    if (seen.has(owner)) return;
    seen.add(owner);
    const t = this.type(owner);
    if (!t) {
      if (name) this.scope.bareNames[name] ??= /^[A-Z][A-Z0-9_]*$/.test(name) ? 'field' : 'method';
      else this.bareNamesIncomplete = true; // `import static unknown.Type.*`: any name may be one of its
      return;
    }
    for (const m of t.members) {
      if (!m.static || m.kind === 'constructor' || (name && m.name !== name) || !this.visible(m.access, t.package)) continue;
      this.scope.bareNames[m.name] ??= m.kind === 'field' ? 'field' : 'method';
    }
    for (const s of t.supertypes) this.addStatics(s, name, seen);
  }

  /** The test class's own members and those it inherits (all, for its supertypes' static and instance ones). */
  addInherited(t: IndexedType, own: boolean, seen = new Set<string>()): void {
    if (seen.has(t.name)) return;
    seen.add(t.name);
    for (const m of t.members) {
      if (m.kind === 'constructor' || (!own && m.access === 'private')) continue;
      this.scope.bareNames[m.name] ??= m.kind === 'field' ? 'field' : 'method';
    }
    for (const s of t.supertypes) {
      const st = this.type(s);
      if (st) this.addInherited(st, false, seen);
      else if (s !== 'java.lang.Object') this.bareNamesIncomplete = true;
    }
  }
}

/** A file's types and imports as `text` has them, indexed under its content hash (parsed once per text). */
async function sourceTypes(index: SymbolIndex, file: string, text: string): Promise<{ types: IndexedType[]; imports?: FileImports }> {
  await indexSourceFile(index, file, text);
  const types = index.typesOf(file);
  return types.length ? { types, imports: types[0].imports } : typesFromSource(text, file); // no type: its imports only
}

/**
 * The scope of the names one test can use; an index still being built gives a smaller scope. Never throws:
 * should anything unexpected fail, the scope is empty (everything unknown, nothing constrained) and
 * `error` says why.
 */
export async function buildScope(index: SymbolIndex, prepared: ScopeRequest, opts: ScopeOptions = {}): Promise<SymbolScope & { error?: string }> {
  try {
    return await scopeOf(index, prepared, opts);
  } catch (e) {
    return { visibleTypes: record(), types: record(), bareNames: record(), knownPackages: [], bareNamesIncomplete: true, error: `symbol scope: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function scopeOf(index: SymbolIndex, prepared: ScopeRequest, opts: ScopeOptions): Promise<SymbolScope> {
  const testPackage = prepared.location.packageName;
  const b = new ScopeBuilder(index, testPackage);
  // The focal and test files as the pipeline read them (maybe unsaved edits) replace their indexed types.
  const focal = await sourceTypes(index, prepared.focalPath, prepared.focalText);
  const test = prepared.testText !== undefined ? await sourceTypes(index, prepared.location.testFile, prepared.testText) : undefined;
  const focalPackage = focal.imports?.package ?? '';
  const emptyImports: FileImports = { package: testPackage, single: {}, onDemand: [], staticSingle: {}, staticOnDemand: [] };
  // A new test file starts from the focal file's imports: the names the focal code uses are the likeliest in its test.
  const imports: FileImports = { ...(test?.imports ?? focal.imports ?? emptyImports), package: testPackage };
  const onInsert = importableOnInsertion({ framework: prepared.framework, mockito: prepared.mockito });

  // Visible types, weakest first so that stronger bindings overwrite (JLS: single import > package > on demand > java.lang).
  // Placing the test imports what it names from the focal imports, the main source root and tables
  // (src/java/type-imports.ts): those count as visible too, or the constraint would refuse code that compiles.
  b.addPackage('java.lang');
  for (const [simple, q] of tableTypes(prepared.framework, prepared.mockito)) b.scope.visibleTypes[simple] ??= q;
  if (!b.addSourceRoot(sourceRootOf(prepared.focalPath, focalPackage), MAX_ROOT_TYPES)) b.bareNamesIncomplete = true;
  for (const p of imports.onDemand) b.addPackage(p);
  for (const [simple, q] of Object.entries(onInsert.types)) b.scope.visibleTypes[simple] = q;
  Object.assign(b.scope.visibleTypes, focal.imports?.single ?? {}); // imported on insertion when the test names them
  b.addPackage(focalPackage);
  b.addPackage(testPackage);
  const focalTop = focal.types.find((t) => !t.name.slice(focalPackage ? focalPackage.length + 1 : 0).includes('.'));
  const focalClass = [focalPackage, prepared.method.enclosingType].filter(Boolean).join('.');
  if (focalTop) b.scope.visibleTypes[focalTop.name.slice(focalTop.name.lastIndexOf('.') + 1)] = focalTop.name;
  Object.assign(b.scope.visibleTypes, imports.single);
  const testClass = testPackage ? `${testPackage}.${prepared.location.testClassName}` : prepared.location.testClassName;
  b.ownClass = testClass;
  b.scope.visibleTypes[prepared.location.testClassName] = testClass;

  // Bare names: static imports (the file's and those inserted with the test), the test class's members.
  for (const [name, owner] of Object.entries(imports.staticSingle)) b.addStatics(owner, name);
  for (const owner of imports.staticOnDemand) b.addStatics(owner, undefined);
  for (const [name, owner] of Object.entries(onInsert.statics)) {
    b.addStatics(owner, name);
    b.scope.bareNames[name] ??= 'method'; // imported on insertion even where the jar is not indexed
  }
  const testType = test?.types.find((t) => t.name === testClass);
  if (testType) b.addInherited(resolvedType(index, testType), true);

  const seeds = [focalClass, ...(focalTop ? [focalTop.name] : []), testClass, ...Object.values(imports.single), ...new Set(Object.values(onInsert.statics)), 'java.lang.String', 'java.lang.Object'];
  const secondary = Object.values(b.scope.visibleTypes).filter((q) => !seeds.includes(q));
  b.closure(seeds, secondary, opts.maxTypes ?? DEFAULT_MAX_TYPES);

  const packages = new Set<string>();
  for (const name of Object.keys(b.scope.types)) {
    const t = index.lookup(name);
    if (t && (index.complete || index.jdkPackages.has(t.package))) packages.add(t.package);
  }
  b.scope.knownPackages = [...packages].sort();
  if (b.bareNamesIncomplete) b.scope.bareNamesIncomplete = true;
  return b.scope;
}
