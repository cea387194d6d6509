import { strict as assert } from 'node:assert';
import { javaParser, hasSyntaxError } from '../../src/java/parser';

describe('java parser', () => {
  it('parses valid Java without errors', async () => {
    const p = await javaParser();
    const tree = p.parse('class A { int f(int x) { return x + 1; } }');
    assert.equal(tree.rootNode.type, 'program');
    assert.equal(hasSyntaxError(tree.rootNode), false);
  });
  it('returns a tree with errors for broken Java instead of throwing', async () => {
    const p = await javaParser();
    const tree = p.parse('class A { int f(int x) { return x + ; }');
    assert.equal(hasSyntaxError(tree.rootNode), true);
  });
});
