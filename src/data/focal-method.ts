// Test method → focal method, Methods2Test's heuristics: (1) by name (`testFoo`, `fooTest`,
// `foo_returnsX`, `shouldFoo…` → `foo`; a name that only starts with a focal method's name must also
// call it), else (2) by a unique call (the test calls exactly one method of the focal class).
// Overloads are resolved by the arity and the visible argument types of the test's calls.
import type { CallInfo, FileIndex, MethodInfo, TypeInfo } from './java-index';
import { simpleType } from './java-index';

export type MethodSkip = 'no focal method' | 'ambiguous call' | 'ambiguous overload';
export type FocalMethodResult = { value: MethodInfo; by: 'name' | 'name prefix' | 'unique call' } | { skip: MethodSkip; detail: string };

/** Method names a test method's name points at, most likely first (`testFooBar_x` → `fooBar`). */
export function testNameBases(testName: string): string[] {
  const segs = testName.split('_').filter(Boolean);
  const out: string[] = [];
  const add = (s: string): void => {
    let b = s;
    for (const pre of ['test', 'Test', 'should', 'when', 'verify', 'check']) {
      if (b.startsWith(pre) && b.length > pre.length && /[A-Z0-9_$]/.test(b[pre.length])) b = b.slice(pre.length);
    }
    if (/[a-z0-9]Test$/.test(b)) b = b.slice(0, -4);
    if (!b) return;
    b = b[0].toLowerCase() + b.slice(1);
    if (!out.includes(b)) out.push(b);
  };
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (/^(test|should|when|given|it|then|verify|check)$/i.test(s)) continue;
    if (/^(given|then)[A-Z0-9]/.test(s)) continue; // givenX_whenFoo_thenY parts
    add(s);
    break;
  }
  segs.forEach((s, i) => {
    if (/^when[A-Z]/.test(s)) add(s.slice(4)); // givenX_whenFoo_thenY
    else if (s === 'when' && segs[i + 1]) add(segs[i + 1]); // given_x_when_foo_then_y
  });
  return out;
}

const BOXES: Record<string, string> = {
  int: 'Integer', long: 'Long', double: 'Double', float: 'Float', boolean: 'Boolean', char: 'Character', byte: 'Byte', short: 'Short',
};
const WIDEN: Record<string, string[]> = {
  byte: ['short', 'int', 'long', 'float', 'double'],
  short: ['int', 'long', 'float', 'double'],
  char: ['int', 'long', 'float', 'double'],
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
};
const FINAL_TYPES = new Set(['String', 'Integer', 'Long', 'Double', 'Float', 'Boolean', 'Character', 'Byte', 'Short', 'Class']);

/** How well an argument of type `arg` fits a parameter of type `param`: -1 incompatible, 0 unknown, higher better. */
export function argScore(arg: string | undefined, param: string): number {
  if (arg === undefined) return 0;
  const p = simpleType(param).replace(/\.\.\.$/, '');
  if (arg === p) return 3;
  const pPrim = p in BOXES;
  const aPrim = arg in BOXES;
  if (arg === 'null') return pPrim ? -1 : 1;
  if (aPrim && BOXES[arg] === p) return 2;
  if (pPrim && BOXES[p] === arg) return 2;
  if (aPrim && pPrim) return WIDEN[arg]?.includes(p) ? 2 : -1;
  if (p === 'Object' || /^[A-Z]$/.test(p)) return 1;
  if (aPrim || pPrim) {
    // a primitive into a reference: boxing then a supertype (Number, Comparable, …)
    return aPrim && !FINAL_TYPES.has(p) ? 0 : -1;
  }
  if (FINAL_TYPES.has(arg) && FINAL_TYPES.has(p)) return -1;
  if (arg.endsWith('[]') !== p.endsWith('[]')) return -1;
  return 0;
}

/** Score of a call against an overload, or -1 when the arity or a visible type cannot match. */
export function callScore(call: CallInfo, m: MethodInfo): number {
  const params = m.paramTypes;
  const varargs = params.length > 0 && params[params.length - 1].endsWith('...');
  const n = call.argTypes.length;
  if (!(n === params.length || (varargs && n >= params.length - 1))) return -1;
  let score = n === params.length ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const param = i < params.length ? params[i] : params[params.length - 1];
    const s = argScore(call.argTypes[i], varargs && i >= params.length - 1 && !(n === params.length && call.argTypes[i]?.endsWith('[]')) ? param.replace(/\.\.\.$/, '') : param);
    if (s < 0) return -1;
    score += s;
  }
  return score;
}

/** `a` surely converts to `b` (identity, Object, a type variable, primitive widening or boxing). */
function surelyAssignable(a: string, b: string): boolean {
  const x = simpleType(a).replace(/\.\.\.$/, '');
  const y = simpleType(b).replace(/\.\.\.$/, '');
  if (x === y || y === 'Object' || /^[A-Z]$/.test(y)) return true;
  return BOXES[x] === y || (WIDEN[x]?.includes(y) ?? false);
}

/** Java's most specific overload among equally good ones: the one whose parameters fit all the others'. */
function mostSpecific(cands: MethodInfo[], arity: number): MethodInfo[] {
  const fixed = cands.filter((m) => m.paramTypes.length === arity);
  if (fixed.length !== cands.length) return cands;
  const best = fixed.filter((a) => fixed.every((b) => a === b || a.paramTypes.every((p, i) => surelyAssignable(p, b.paramTypes[i]))));
  return best.length === 1 ? best : cands;
}

/** The overload of `name` the calls point at. */
export function resolveOverload(overloads: MethodInfo[], calls: CallInfo[]): MethodInfo | { detail: string } {
  if (overloads.length === 1) return overloads[0];
  const chosen = new Set<MethodInfo>();
  for (const c of calls) {
    if (c.reference) continue;
    const scores = overloads.map((m) => callScore(c, m));
    const best = Math.max(...scores);
    if (best < 0) continue;
    let top = overloads.filter((_, i) => scores[i] === best);
    if (top.length > 1 && c.argTypes.every((t) => t !== undefined)) top = mostSpecific(top, c.argTypes.length); // all applicable
    if (top.length > 1) return { detail: `a call to ${c.name} with ${c.argTypes.length} argument(s) fits ${top.length} overloads` };
    chosen.add(top[0]);
  }
  if (chosen.size === 1) return [...chosen][0];
  if (chosen.size === 0) return { detail: `${overloads.length} overloads of ${overloads[0].name} and no call that picks one` };
  return { detail: `the test calls ${chosen.size} overloads of ${overloads[0].name}` };
}

export interface FocalScope {
  focal: TypeInfo;
  focalFile: FileIndex;
  testType: TypeInfo;
  testFile: FileIndex;
  methodHint?: string; // from a `Foo_bar_Test` class name
}

/** 'focal' when the call surely targets the focal class, 'unknown' when it may, undefined when not. */
function callTarget(c: CallInfo, s: FocalScope): 'focal' | 'unknown' | undefined {
  const F = s.focal.name;
  const extendsFocal = s.testType.superclass === F;
  const r = c.receiver;
  switch (r.kind) {
    case 'none': {
      if (s.testType.methods.some((m) => m.name === c.name) && !extendsFocal) return undefined;
      if (extendsFocal) return 'focal';
      const q = s.focal.qualified;
      return s.testFile.imports.some((i) => i === `static ${q}.${c.name}` || i === `static ${q}.*`) ? 'focal' : undefined;
    }
    case 'this':
      return extendsFocal ? 'focal' : undefined;
    case 'new':
      return r.type === F ? 'focal' : undefined;
    case 'name': {
      if (r.type !== undefined) return r.type === F ? 'focal' : undefined;
      const parts = r.name.split('.');
      const last = parts[parts.length - 1];
      const isConst = (x: string): boolean => /^[A-Z][A-Z0-9_]*$/.test(x) && x.length > 1;
      if (last === F) return 'focal'; // Foo.bar() or a.b.Foo.bar()
      if (parts.length >= 2 && parts[parts.length - 2] === F) return s.focal.kind === 'enum_declaration' ? 'focal' : 'unknown'; // Foo.CONST.bar()
      if (parts.length === 1 && /^[A-Z]/.test(last) && !isConst(last)) return undefined; // another class's static call
      if (parts.length >= 2 && /^[A-Z]/.test(parts[parts.length - 2])) return undefined; // Other.CONST.bar()
      return 'unknown';
    }
    default:
      return 'unknown';
  }
}

export function findFocalMethod(test: MethodInfo, s: FocalScope): FocalMethodResult {
  const candidates = s.focal.methods.filter((m) => m.hasBody && !m.isPrivate && !m.isTest);
  if (candidates.length === 0) return { skip: 'no focal method', detail: `${s.focal.name} declares no method with a body` };
  const focalNames = new Set(candidates.map((m) => m.name));
  const strong: CallInfo[] = [];
  const weak: CallInfo[] = [];
  const inherited = new Set<string>(); // methods called on a focal object that the focal class does not declare
  for (const c of test.calls) {
    const t = callTarget(c, s);
    if (!focalNames.has(c.name)) {
      if (t === 'focal' && (c.receiver.kind === 'name' || c.receiver.kind === 'new') && c.name !== 'getClass') inherited.add(c.name);
      continue;
    }
    if (t === 'focal') strong.push(c);
    else if (t === 'unknown') weak.push(c);
  }
  const calls = [...strong, ...weak];
  const overloadsOf = (name: string): MethodInfo[] => candidates.filter((m) => m.name === name);
  const resolved = (name: string, by: 'name' | 'name prefix' | 'unique call'): FocalMethodResult => {
    const named = calls.filter((c) => c.name === name);
    const strongNamed = strong.filter((c) => c.name === name);
    const r = resolveOverload(overloadsOf(name), strongNamed.length ? strongNamed : named);
    return 'detail' in r ? { skip: 'ambiguous overload', detail: r.detail } : { value: r, by };
  };

  // (1) by name
  const lowerNames = new Map<string, string>();
  for (const n of focalNames) lowerNames.set(n.toLowerCase(), n);
  const bases = testNameBases(test.name);
  if (s.methodHint) bases.unshift(s.methodHint);
  for (const base of bases) {
    const exact = lowerNames.get(base.toLowerCase());
    if (exact) return resolved(exact, 'name');
  }
  let uncalledNamed: string | undefined;
  for (const base of bases) {
    let best = '';
    for (const n of focalNames) {
      if (n.length > best.length && n.length < base.length && base.toLowerCase().startsWith(n.toLowerCase()) && /[A-Z0-9_$]/.test(base[n.length])) {
        if (calls.some((c) => c.name === n)) best = n;
      }
    }
    if (!best) {
      // a focal method the name points at but the test does not call directly (e.g. through a helper)
      for (const n of focalNames) {
        if (n.length >= 3 && n.length < base.length && base.toLowerCase().startsWith(n.toLowerCase()) && /[A-Z0-9_$]/.test(base[n.length])) {
          if (!uncalledNamed || n.length > uncalledNamed.length) uncalledNamed = n;
        }
      }
    }
    if (best) {
      // `addThenMultiply`, `pushPopSequence`: the name goes on to another called focal method
      const rest = base.slice(best.length).replace(/^(Then|And)(?=[A-Z])/, '');
      const other = [...focalNames].find(
        (n) => n !== best && rest.toLowerCase().startsWith(n.toLowerCase()) && (rest.length === n.length || /[A-Z0-9_$]/.test(rest[n.length])) && calls.some((c) => c.name === n),
      );
      if (other) return { skip: 'ambiguous call', detail: `the name '${test.name}' points at ${best} and ${other}, both called` };
      return resolved(best, 'name prefix');
    }
  }

  // (2) a unique call into the focal class
  const strongNames = new Set(strong.map((c) => c.name));
  const weakNames = new Set(weak.map((c) => c.name));
  if (strongNames.size + weakNames.size > 0 && uncalledNamed) {
    return { skip: 'ambiguous call', detail: `the name points at ${uncalledNamed}, which the test does not call; it calls ${[...strongNames, ...weakNames].slice(0, 3).join(', ')}` };
  }
  const F = s.focal.name;
  const helper = test.calls.find((c) => c.receiver.kind === 'none' && c.argTypes.includes(F) && s.testType.methods.some((m) => m.name === c.name));
  if (strongNames.size + weakNames.size > 0 && helper) {
    return { skip: 'ambiguous call', detail: `passes a ${F} to the test's helper ${helper.name}(), which may call other methods` };
  }
  if (strongNames.size + weakNames.size > 0 && inherited.size > 0) {
    const named = [...new Set([...strongNames, ...weakNames])].slice(0, 3).join(', ');
    return { skip: 'ambiguous call', detail: `calls ${named} and methods ${s.focal.name} inherits: ${[...inherited].slice(0, 4).join(', ')}` };
  }
  if (strongNames.size === 1) return resolved([...strongNames][0], 'unique call');
  if (strongNames.size > 1) {
    return { skip: 'ambiguous call', detail: `calls ${strongNames.size} methods of ${s.focal.name}: ${[...strongNames].slice(0, 6).join(', ')}` };
  }
  if (weakNames.size === 1) return resolved([...weakNames][0], 'unique call');
  if (weakNames.size > 1) {
    return { skip: 'ambiguous call', detail: `may call ${weakNames.size} methods of ${s.focal.name}: ${[...weakNames].slice(0, 6).join(', ')}` };
  }
  return { skip: 'no focal method', detail: `no method of ${s.focal.name} matches the name or is called` };
}
