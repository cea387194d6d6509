// A prompt experiment (issue 17 item 4: the prompt carrying what the project knows), off by default:
// the public constructors of the focal method's parameter types that are project classes, written as
// class outlines (`class Coordinate {\n    public Coordinate(double x, double y);\n}`) before the focal
// context, so the model sees how to build the arguments. The focal class's own constructors are in the
// study's context already (its `c` part). The shipped model was trained on the study's format alone:
// scripts/bench/verify.ts measures it (BENCH_VERIFY_PROMPT_PARAM_CTORS=1), docs/results.md has the
// figures. Reads the project's sources; never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { declaredPackage } from '../java/location';
import { listMethods } from '../java/methods';
import { classesIn, resolveType, singleTypeImports, sourceRootOf } from '../java/type-imports';

/** Most parameter types outlined, and constructors per type. */
export const MAX_TYPES = 4;
export const MAX_CONSTRUCTORS = 6;

/** The outlines to put before the prompt ('' when no parameter type is a project class with a public constructor). */
export async function parameterConstructors(focalPath: string, focalText: string, parameterTypes: readonly string[]): Promise<string> {
  const focalPackage = declaredPackage(focalText);
  const mainRoot = sourceRootOf(focalPath, focalPackage);
  if (!mainRoot) return '';
  const ctx = {
    focalImports: singleTypeImports(focalText),
    focalPackage,
    focalPackageTypes: classesIn(path.dirname(focalPath)),
    testPackage: '', // every project class resolves to its qualified name
    testPackageTypes: new Set<string>(),
    declared: new Set<string>(),
    mainRoot,
    framework: 'junit5' as const,
    mockito: false,
  };
  const names = [...new Set(parameterTypes.map((t) => t.replace(/<.*$/s, '').replace(/\[\]|\.\.\./g, '').trim().split('.').pop() ?? ''))].filter((n) => /^[A-Z][\w$]*$/.test(n));
  const blocks: string[] = [];
  for (const name of names.slice(0, MAX_TYPES)) {
    const qualified = resolveType(name, ctx);
    if (!qualified || qualified.startsWith('java.')) continue;
    const file = path.join(mainRoot, ...qualified.split('.')) + '.java';
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const ctors = (await listMethods(text)).methods.filter((m) => m.kind === 'constructor' && m.enclosingType === name && m.modifiers.includes('public')).slice(0, MAX_CONSTRUCTORS);
    if (ctors.length) blocks.push(`class ${name} {\n${ctors.map((c) => `    ${c.signature};`).join('\n')}\n}\n\n`);
  }
  return blocks.join('');
}
