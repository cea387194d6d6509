// A small synthetic training task for the training-loop tests: each pair's test body is determined by
// the constant its focal method returns, so a trained adapter measurably lowers the loss.
import type { Pair } from '../../../src/train/data';

export function syntheticPairs(n: number): Pair[] {
  const names = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta'];
  return Array.from({ length: n }, (_, i) => {
    const k = (i * 7) % 10;
    const name = names[i % names.length];
    return {
      id: String(i),
      source: `class C${i} {\n\tint ${name}() { return ${k}; }\n\tint other();\n}\nclass C${i}Test {\n\t@Test\n\tvoid test() {\n`,
      target: `\t\tassertEquals(${k}, new C${i}().${name}());\n\t}\n}`,
    };
  });
}
