// The prompt experiment: the focal method's parameter types' public constructors as class outlines.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { parameterConstructors } from '../../../src/pipeline/parameter-constructors';
import { makeTree, removeTree } from '../java/tmpdir';

describe('prompt experiment: parameter types\' constructors', () => {
  it('outlines the public constructors of the parameter types that are project classes, nothing for JDK types or primitives', async () => {
    const focal = 'package a.b;\nimport a.geom.Point;\npublic class Area {\n  public double of(Point p, Shape s, java.util.List<Point> ps, int n, String name) { return 0; }\n}\n';
    const root = makeTree({
      'src/main/java/a/b/Area.java': focal,
      'src/main/java/a/b/Shape.java': 'package a.b;\npublic class Shape {\n  private Shape(int x) {}\n}\n',
      'src/main/java/a/geom/Point.java': 'package a.geom;\npublic class Point {\n  public Point(double x, double y) {}\n  Point() {}\n}\n',
    });
    try {
      const file = path.join(root, 'src/main/java/a/b/Area.java');
      assert.equal(await parameterConstructors(file, focal, ['Point', 'Shape', 'java.util.List<Point>', 'int', 'String']), 'class Point {\n    public Point(double x, double y);\n}\n\n');
      assert.equal(await parameterConstructors('/nowhere/Area.java', focal, ['Point']), '', 'no source root: nothing');
    } finally {
      removeTree(root);
    }
  });
});
