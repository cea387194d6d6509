// The symbol constraint (src/java/decoding/symbol-constraint.ts over statement-tracker.ts) on a
// hand-written scope, fed token by token as the decoder would: which candidate tokens it refuses, and
// that it leaves alone what it cannot know. Then through the Java decoding factory and the decode loop
// (scripted logits, no ONNX Runtime): the model's next best replaces a refused token.
import { strict as assert } from 'node:assert';
import { decode, type Stepper, type TextStream } from '../../src/model/decode';
import { javaDecoding } from '../../src/generation/decoding';
import { readSymbolData, SymbolConstraint } from '../../src/java/decoding/symbol-constraint';
import { hasPrefix, SymbolTables } from '../../src/java/decoding/symbol-tables';
import type { SymbolScope, TypeSymbols } from '../../src/symbols/scope';
import { checkGenerate } from '../../src/sidecar/protocol';

const OBJ = ['java.lang.Object'];
function type(t: Partial<TypeSymbols>): TypeSymbols {
  return { kind: 'class', supertypes: OBJ, complete: true, abstract: false, constructors: [0], constructorVarargs: false, methods: {}, fields: {}, nested: {}, ...t };
}
const method = (arities: number[], returns: Record<number, string> = {}, extra: { static?: boolean; varargs?: boolean } = {}) => ({ static: extra.static ?? false, arities, varargs: extra.varargs ?? false, returns });

function scope(over: Partial<SymbolScope> = {}): SymbolScope {
  return {
    visibleTypes: { Shape: 'com.x.Shape', Circle: 'com.x.Circle', Color: 'com.x.Color', Runner: 'com.x.Runner', String: 'java.lang.String', Widget: 'com.lib.Widget', List: 'java.util.List', ArrayList: 'java.util.ArrayList', Object: 'java.lang.Object', Math: 'java.lang.Math', RuntimeException: 'java.lang.RuntimeException', Error: 'java.lang.Error' },
    types: {
      'com.x.Shape': type({ abstract: true, methods: { area: method([0], { 0: 'double' }), getName: method([0], { 0: 'java.lang.String' }) } }),
      'com.x.Circle': type({
        supertypes: ['com.x.Shape'],
        constructors: [1, 2],
        methods: { radius: method([0], { 0: 'double' }), scale: method([1], { 1: 'com.x.Circle' }), of: method([1], { 1: 'com.x.Circle' }, { static: true }) },
        fields: { UNIT: { static: true, type: 'com.x.Circle' }, center: { static: false, type: 'double' } },
        nested: { Builder: 'com.x.Circle.Builder' },
      }),
      'com.x.Circle.Builder': type({ methods: { build: method([0], { 0: 'com.x.Circle' }), radius: method([1], { 1: 'com.x.Circle.Builder' }) } }),
      'com.x.Color': type({ kind: 'enum', supertypes: ['java.lang.Enum'], fields: { RED: { static: true, type: 'com.x.Color' } } }),
      'com.x.Runner': type({ kind: 'interface', supertypes: [], constructors: [], methods: { run: method([0]) } }),
      'com.lib.Widget': type({ complete: false, methods: { spin: method([0]) } }),
      'java.lang.String': type({ methods: { length: method([0], { 0: 'int' }), format: method([2, 3], { 2: 'java.lang.String' }, { static: true, varargs: true }) } }),
    },
    bareNames: { assertEquals: 'method', assertTrue: 'method', fixture: 'field' },
    knownPackages: ['com.x'],
    ...over,
  };
}

/** Feeds `tokens` one by one as the decoder would; returns the index of the first refused token, or -1. */
function firstRefused(tokens: string[], s: SymbolScope = scope(), bodyBefore?: string): number {
  const vocab = [...new Set(tokens)];
  const c = new SymbolConstraint({ scope: s, bodyBefore }, { tokenText: (id) => vocab[id] });
  for (let i = 0; i < tokens.length; i++) {
    const id = vocab.indexOf(tokens[i]);
    if (!c.accepts(id)) return i;
    c.observe(id);
  }
  return -1;
}
const ok = (tokens: string[], s?: SymbolScope, before?: string) => assert.equal(firstRefused(tokens, s, before), -1, `refused: ${tokens.join('|')}`);
const refusedAt = (tokens: string[], at: number, s?: SymbolScope) => assert.equal(firstRefused(tokens, s), at, tokens.join('|'));

describe('symbol constraint', () => {
  it('follows a member name over several tokens: a prefix of a member is accepted, one of no member refused', () => {
    ok(['\n    ', 'Circle', ' c', ' =', ' new', ' Cir', 'cle', '(', '1', ');', '\n    ', 'double', ' r', ' =', ' c', '.', 'rad', 'ius', '();']);
    refusedAt(['Circle', ' c', ' =', ' new', ' Circle', '(1);', ' c', '.', 'rad', 'ios'], 9);
    refusedAt(['Circle', ' c', ' =', ' new', ' Circle', '(1);', ' c', '.', 'size'], 8);
  });

  it('accepts a member of a supertype and Object\'s methods, and follows a call\'s return type', () => {
    ok(['Circle c = new Circle(1);', ' c', '.get', 'Name', '().', 'length', '();', ' c.scale(2).', 'area', '();', ' c.hashCode();']);
    refusedAt(['Circle c = new Circle(1);', ' c.scale(2).', 'nothing'], 2);
  });

  it('refuses a name that completes a prefix when what follows does not fit (a method without `(`, a field with `(`)', () => {
    refusedAt(['Circle c = new Circle(1);', ' c.', 'radius', ';'], 3);
    refusedAt(['Circle c = new Circle(1);', ' c.', 'center', '()'], 3);
    ok(['Circle c = new Circle(1);', ' double d = c.', 'center', ' + 1;']);
  });

  it('through a type: static fields and nested types, not instance fields', () => {
    ok(['Circle u = Circle.', 'UNIT', ';', ' Circle.', 'Builder', ' b = new Circle.Builder();', ' b.', 'radius', '(2).', 'build', '();']);
    refusedAt(['double d = Circle.', 'center', ';'], 1);
    ok(['String s = String.', 'format', '("%d", 1, 2, 3);']); // varargs
  });

  it('leaves an unknown or incomplete type alone', () => {
    ok(['Widget w = new Widget();', ' w.', 'anything', '(1, 2);']); // Widget: complete false
    ok(['List<String> xs = new ArrayList<>();', ' xs.', 'whatever', '();']); // java.util.List: not in the scope
    ok(['Object o = fixture;', ' fixture.', 'whatever', '();']); // a field of the test class: type unknown
  });

  it('refuses a call\'s `)` when no overload takes that many arguments', () => {
    refusedAt(['Circle c = new Circle(1);', ' c.scale(', '1, 2', ')'], 3);
    ok(['Circle c = new Circle(1);', ' c.scale(', 'Math.max(1, 2)', ')', ';']); // commas inside a nested call do not count
    refusedAt(['Circle c = new Circle(', ')'], 1);
    ok(['Circle c = new Circle(1, 2);']);
    ok(['String s = String.format(', '"x"', ')', ';']); // varargs: arity - 1 or more
    refusedAt(['String s = String.format(', ')'], 1);
  });

  it('after `new`: an enum is refused, an interface or abstract class only with an anonymous body', () => {
    refusedAt(['Color c = new Color', '('], 1);
    refusedAt(['Runner r = new Runner()', ';'], 1);
    ok(['Runner r = new Runner() {', ' public void run() { int local = 1; undefinedName(); }', ' };']); // the anonymous body is not checked
    refusedAt(['Shape s = new Shape();'], 0);
  });

  it('refuses an unknown bare name unless the scope says its bare names are incomplete, and accepts locals, fields, static imports, types, keywords, packages', () => {
    refusedAt(['int n = ', 'rec', 'ord', '.size();'], 1);
    refusedAt(['Assert', '.assertEquals(1, 1);'], 0);
    ok(['assertEquals(1, fixture);', ' java.util.List<String> xs = null;', ' if (true) { return; }']);
    ok(['int n = ', 'record', '.size();', ' Assert.assertEquals(1, 1);'], scope({ bareNamesIncomplete: true }));
    refusedAt(['assertTrue', ';'], 1); // a static-import method not called
  });

  it('where a lambda may stand, an unknown name is accepted only as a lambda parameter', () => {
    ok(['Runner r = null;', ' assertTrue(', 'x', ' ->', ' x', '.', 'isEmpty());']);
    refusedAt(['assertEquals(1, ', 'record', '.size());'], 2);
    ok(['assertTrue(', '(a, b)', ' -> {', ' return a', ' == b; });']);
  });

  it('refuses a local declared twice in one method, not in sibling blocks, lambdas or after the loop', () => {
    refusedAt(['int a = 1;', ' int', ' a', ' = 2;'], 3);
    refusedAt(['int a = 1;', ' { int', ' a', '2', ' = 2; }', ' String', ' a', ';'], 7); // `a2` is fine, `a` again is not
    ok(['{ int a = 1; }', ' { int a = 2; }', ' for (int i = 0; i < 2; i++) { int j = i; }', ' for (int i : new int[] {1}) { }', ' int i = 3;', ' int j = i;']);
    ok(['int x = 1, y = x + 1;', ' try { } catch (RuntimeException | Error e) { e.getMessage(); }']);
    refusedAt(['int x = 1, ', 'x', ' = 2;'], 2);
  });

  it('types the test class\'s fields (own and inherited) when it names the test class', () => {
    const s = scope();
    s.types['com.x.CircleTest'] = type({ supertypes: ['com.x.BaseTest'], fields: { fixture: { static: false, type: 'com.x.Circle' } } });
    s.types['com.x.BaseTest'] = type({ fields: { shared: { static: false, type: 'com.x.Circle' } } });
    s.bareNames.shared = 'field';
    const feed = (tokens: string[]) => {
      const c = new SymbolConstraint({ scope: s, testClass: 'com.x.CircleTest' }, { tokenText: (id) => tokens[id] });
      return tokens.findIndex((_, id) => { const a = c.accepts(id); c.observe(id); return !a; });
    };
    assert.equal(feed(['fixture.', 'setName', '(1);']), 1);
    assert.equal(feed(['shared.', 'nope']), 1);
    assert.equal(feed(['fixture.', 'radius', '();', ' shared.scale(2);']), -1);
    assert.equal(firstRefused(['fixture.', 'setName', '(1);'], s), -1); // without the test class: unknown
    s.types['com.x.CircleTest'].nested = { Helper: 'com.x.CircleTest.Helper' }; // a helper class of the test class
    assert.equal(feed(['Hel', 'per', ' h = new Helper();']), -1);
    assert.equal(firstRefused(['Hel', 'per', ' h = new Helper();'], s), 0); // not named without the test class
  });

  it('knows the locals a seeded body already declared', () => {
    ok([' c.', 'radius', '();'], scope(), '\n    Circle c = new Circle(1);\n');
    assert.equal(firstRefused([' c.', 'nope'], scope(), '\n    Circle c = new Circle(1);\n'), 1);
  });

  it('infers a `var` local\'s type from `new` or a call, not from an expression with operators', () => {
    refusedAt(['var c = new Circle(1);', ' c.', 'nope'], 2);
    refusedAt(['Circle k = new Circle(1);', ' var c = k.scale(2);', ' c.', 'nope'], 3);
    ok(['double z = 0;', ' var c = z + 1;', ' c.', 'nope', '();'.replace('();', ';')]);
  });

  it('knows what arrays have: length, clone() and Object\'s methods', () => {
    refusedAt(['String[] xs = new String[0];', ' xs.', 'set', '(0);'], 2);
    ok(['String[] xs = new String[0];', ' int n = xs.', 'length', ';', ' Object o = xs.clone();', ' int[] a = {1, 2};', ' n = a.length + new int[3].length;']);
    refusedAt(['var ys = new Circle[2];', ' ys.', 'get', '(0);'], 3); // `get` starts `getClass`: refused where it ends
    ok(['Circle[] cs = new Circle[1];', ' cs[0].', 'radius', '();']); // an element: Circle is not followed through `[i]`, left alone
  });

  it('never constrains strings, chars and comments', () => {
    ok(['String s = "', 'record', '.size() Assert', '";', ' // record.size()', '\n', ' /* new Color() */', ' char q = \'', 'x', "';", ' String t = "a".', 'length', '() + "";']);
    refusedAt(['String s = "a".', 'nope'], 1);
  });

  it('follows generics, casts and qualified types without constraining what it cannot type', () => {
    ok(['List<List<String>> xs = new ArrayList<>();', ' Object o = (Shape) null;', ' double d = ((Circle) o).', 'anything', ';']);
    ok(['java.util.Map<String, Integer> m = new java.util.HashMap<String, Integer>(4);', ' int k = 1 < 2 ? 3 : 4;']);
  });

  it('stops constraining a refused name the decoder produced anyway', () => {
    const vocab = ['Circle c = new Circle(1);', ' c.', 'nope', '.more', '();', ' c.', 'radius', '();'];
    const c = new SymbolConstraint({ scope: scope() }, { tokenText: (id) => vocab[id] });
    for (const id of [0, 1]) (assert.ok(c.accepts(id)), c.observe(id));
    assert.equal(c.accepts(2), false);
    c.observe(2); // every candidate was refused: the model's own choice went through
    for (const id of [3, 4, 5, 6, 7]) (assert.ok(c.accepts(id), vocab[id]), c.observe(id));
  });

  it('gives way to closing tokens in the wrap-up\'s zone, where the method must close', () => {
    const vocab = ['Circle c = new Circle(1);', ' c.scale(1, 2', ')'];
    const c = new SymbolConstraint({ scope: scope() }, { tokenText: (id) => vocab[id] }, 12);
    for (const id of [0, 1]) (assert.ok(c.accepts(id, [])), c.observe(id));
    assert.equal(c.accepts(2, [0, 1]), false); // 10 tokens left, 2 open: the wrong arity is refused
    assert.equal(c.accepts(2, [0, 1, 0, 0, 0, 0]), true); // 6 left ≤ 2 open + 4: given way
    const d = new SymbolConstraint({ scope: scope() }, { tokenText: (id) => ['Circle c = new Circle(1);', ' c.', 'nope'][id] }, 12);
    for (const id of [0, 1]) (assert.ok(d.accepts(id, [])), d.observe(id));
    assert.equal(d.accepts(2, [0, 1, 0, 0, 0, 0, 0, 0, 0]), false); // in the zone a name is still refused
  });

  it('reads its data leniently inside types but names a malformed shape', () => {
    assert.deepEqual(readSymbolData(5).errors, ['symbols must be an object {scope, bodyBefore?, testClass?}']);
    assert.match(readSymbolData({ scope: { visibleTypes: {}, types: [], bareNames: {}, knownPackages: [] } }).errors.join(), /symbols\.scope\.types must be an object/);
    assert.match(readSymbolData({ scope: scope(), bodyBefore: 3 }).errors.join(), /symbols\.bodyBefore must be a string/);
    const broken = scope();
    (broken.types['com.x.Circle'] as unknown as Record<string, unknown>).methods = 'garbage';
    ok(['Circle c = new Circle(1);', ' c.', 'anything', '();'], broken); // a malformed type is unknown
    assert.throws(() => javaDecoding({ maxNewTokens: 1, symbols: { scope: 1 } }, { tokenText: () => '' }), /symbols\.scope must be an object/);
    assert.equal(checkGenerate({ context: 'x', maxNewTokens: 1, symbols: [] }).ok, false);
    assert.equal(checkGenerate({ context: 'x', maxNewTokens: 1, symbols: { scope: scope() } }).ok, true);
  });

  it('prefix lookups are binary searches over sorted names', () => {
    const names = ['alpha', 'beta', 'betamax', 'gamma'];
    assert.ok(hasPrefix(names, 'bet') && hasPrefix(names, 'betam') && hasPrefix(names, 'gamma'));
    assert.ok(!hasPrefix(names, 'delta') && !hasPrefix(names, 'gammas') && !hasPrefix(names, 'a1'));
    const t = new SymbolTables(scope());
    assert.ok(t.members('com.x.Circle', false)!.names.includes('getName')); // from Shape
    assert.equal(t.members('com.lib.Widget', false), undefined);
  });
});

describe('symbol constraint in the decode loop', () => {
  //              0                           1      2        3       4       5      6
  const vocab = ['Circle c = new Circle(1);', ' c.', 'size', 'rad', 'ius', '();', '\n}', 'EOS', 'PROMPT'];
  const EOS = 7;
  const stream: TextStream = { push: (id) => (typeof id === 'number' ? vocab[id] : id.map((i) => vocab[i]).join('')), flush: () => '' };
  // the model wants `c.size();`, with `rad` + `ius` as its second choice
  const next: Record<number, number[]> = { 8: [0], 0: [1], 1: [2, 3], 2: [5], 3: [4], 4: [5], 5: [6] };
  const model: Stepper = (() => {
    return {
      room: 100,
      reset: () => undefined,
      async step(ids) {
        const order = next[ids[ids.length - 1]] ?? [6];
        const l = new Float32Array(vocab.length).fill(-10);
        order.forEach((id, rank) => (l[id] = 10 - rank));
        return l;
      },
    };
  })();

  it('takes the model\'s next best when its choice is no member; without the option the output is plain greedy', async () => {
    const plain = await decode(model, [8], stream, { maxNewTokens: 10, eosId: EOS, ...javaDecoding({ maxNewTokens: 10 }, { tokenText: (id) => vocab[id], eosId: EOS }) });
    assert.equal(plain.text, 'Circle c = new Circle(1); c.size();\n}');
    const constrained = await decode(model, [8], stream, { maxNewTokens: 10, eosId: EOS, ...javaDecoding({ maxNewTokens: 10, symbols: { scope: scope() } }, { tokenText: (id) => vocab[id], eosId: EOS }) });
    assert.equal(constrained.text, 'Circle c = new Circle(1); c.radius();\n}');
  });
});
