// Values of the project's own types for seeded arguments: `new Coordinate()` instead of a null that
// makes the focal method throw before it runs a line. A parameter type is looked up where javac would
// find it — an import of the focal file, else the focal file's package — in the focal file's source
// root; it is constructed with its no-argument constructor, else with the visible constructor of
// fewest parameters whose arguments are all literals (./seed.ts `literalValue`). One level deep: a
// type whose constructors need other objects is left to a typed null. Never throws.
import path from 'node:path';
import { declaredPackage } from '../java/location';
import { listMethods } from '../java/methods';
import { literalValue } from './seed';

/** The folder that holds the focal file's package folders (src/main/java for com/x/Foo.java). */
function sourceRoot(focalPath: string, pkg: string): string {
  const depth = pkg ? pkg.split('.').length : 0;
  let dir = path.dirname(focalPath);
  for (let i = 0; i < depth; i++) dir = path.dirname(dir);
  return dir;
}

/** The expression that constructs each of `types` that the project can construct simply. */
export async function projectValues(types: readonly string[], focalPath: string, focalText: string, readFile: (p: string) => string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const pkg = declaredPackage(focalText);
  const root = sourceRoot(focalPath, pkg);
  for (const type of new Set(types)) {
    const simple = type.trim();
    if (!/^[A-Z]\w*$/.test(simple) || out.has(simple)) continue;
    const imported = new RegExp(`^\\s*import\\s+([\\w.]+)\\.${simple}\\s*;`, 'm').exec(focalText)?.[1];
    const owner = imported ?? pkg;
    const text = readFile(path.join(root, ...owner.split('.').filter(Boolean), `${simple}.java`));
    if (!text || !new RegExp(`(^|\\s)(public\\s+|final\\s+)*class\\s+${simple}\\b`).test(text.replace(/\/\*[\s\S]*?\*\//g, ' '))) continue;
    if (new RegExp(`abstract\\s+class\\s+${simple}\\b`).test(text)) continue;
    const ctors = (await listMethods(text)).methods.filter((m) => m.kind === 'constructor' && m.enclosingType === simple && !m.modifiers.includes('private'));
    const samePackage = owner === pkg;
    const usable = ctors.filter((c) => c.modifiers.includes('public') || samePackage);
    if (!ctors.length) {
      out.set(simple, `new ${simple}()`);
      continue;
    }
    const literal = usable
      .map((c) => ({ c, args: c.parameterTypes.map(literalValue) }))
      .filter((x) => x.args.every((a): a is string => a !== undefined))
      .sort((a, b) => a.c.parameterTypes.length - b.c.parameterTypes.length)[0];
    if (literal) out.set(simple, `new ${simple}(${literal.args.join(', ')})`);
  }
  return out;
}
