// Shared by the verification benches (verify.ts, constraint-human.ts): where a mined pair's focal
// method is declared in its class's source, from the pair's "name(T1, T2)" and focal class.
import { listMethods } from '../../src/java/methods';

/** The focal method's 0-based name line, from "name(T1, T2)" in its class; undefined when not found. */
export async function focalLine(source: string, pair: { focal_class: string; focal_method: string }): Promise<number | undefined> {
  const m = /^([\w$]+)\((.*)\)$/.exec(pair.focal_method);
  if (!m) return undefined;
  const wanted = m[2].split(',').map((t) => t.trim().replace(/\s+/g, '')).filter(Boolean);
  const simple = pair.focal_class.split('.').pop()!;
  const found = (await listMethods(source)).methods.find(
    (x) => x.name === m[1] && x.enclosingType.split('.').pop() === simple && x.parameterTypes.length === wanted.length && x.parameterTypes.every((t, i) => t.replace(/\s+/g, '') === wanted[i]),
  );
  return found?.nameLine;
}
