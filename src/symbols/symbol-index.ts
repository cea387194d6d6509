// The symbol index: every type a test may name, from three layers — the workspace's sources (highest),
// the classpath's jars and class folders, the JDK's public API (lowest) — each kept per origin (one
// source file, one jar, the JDK) so that a changed file replaces only its own types. Lookups are by
// qualified name ('java.util.Map.Entry') and by package. Filled by ./build-index.ts (in the background)
// and read by ./build-scope.ts; what it does not hold is unknown, never absent.
import type { IndexedType } from './indexed-type';

export type Layer = 'source' | 'jar' | 'jdk';
const LAYERS: Layer[] = ['source', 'jar', 'jdk']; // lookup order: the workspace wins over a stale jar

interface Held {
  type: IndexedType;
  origin: string;
}

export class SymbolIndex {
  private readonly layers = new Map<Layer, Map<string, Held>>(LAYERS.map((l) => [l, new Map()]));
  private readonly origins = new Map<string, { layer: Layer; key: string; names: string[] }>();
  private readonly packages = new Map<string, Set<string>>(); // package → qualified names of its top-level types
  /** True once a build has read every source, jar and the JDK it was given; until then a missing type may just not be read yet. */
  complete = false;
  /** Packages the JDK layer holds completely (its whole API was read). */
  readonly jdkPackages = new Set<string>();
  /** Messages about what could not be read (a corrupt jar or class file, a source that did not parse). */
  readonly warnings: string[] = [];

  /** The freshness key an origin was indexed with (size + mtime of a file or jar), if any. */
  keyOf(origin: string): string | undefined {
    return this.origins.get(origin)?.key;
  }

  /** Replaces everything `origin` contributed with `types`. */
  put(layer: Layer, origin: string, key: string, types: IndexedType[]): void {
    this.remove(origin);
    const map = this.layers.get(layer)!;
    for (const t of types) {
      map.set(t.name, { type: t, origin });
      const inPackage = t.package ? t.name.slice(t.package.length + 1) : t.name;
      if (!inPackage.includes('.')) {
        let set = this.packages.get(t.package);
        if (!set) this.packages.set(t.package, (set = new Set()));
        set.add(t.name);
      }
    }
    this.origins.set(origin, { layer, key, names: types.map((t) => t.name) });
  }

  /** Forgets an origin's types (a deleted file). */
  remove(origin: string): void {
    const held = this.origins.get(origin);
    if (!held) return;
    const map = this.layers.get(held.layer)!;
    for (const name of held.names) {
      if (map.get(name)?.origin !== origin) continue;
      map.delete(name);
      if (this.lookup(name)) continue;
      const pkg = this.packages.get(name.slice(0, Math.max(0, name.lastIndexOf('.'))));
      pkg?.delete(name);
    }
    this.origins.delete(origin);
  }

  lookup(qualifiedName: string): IndexedType | undefined {
    for (const l of LAYERS) {
      const h = this.layers.get(l)!.get(qualifiedName);
      if (h) return h.type;
    }
    return undefined;
  }

  /** Qualified names of the top-level types of a package that the index holds. */
  packageTypes(pkg: string): string[] {
    return [...(this.packages.get(pkg) ?? [])];
  }

  hasPackage(pkg: string): boolean {
    return (this.packages.get(pkg)?.size ?? 0) > 0;
  }

  /** Origins of a layer (source file paths, jar paths). */
  originsOf(layer: Layer): string[] {
    return [...this.origins].filter(([, o]) => o.layer === layer).map(([k]) => k);
  }

  /** The types one origin contributed (for the on-disk cache of sources). */
  typesOf(origin: string): IndexedType[] {
    const held = this.origins.get(origin);
    if (!held) return [];
    const map = this.layers.get(held.layer)!;
    return held.names.map((n) => map.get(n)).filter((h): h is Held => !!h && h.origin === origin).map((h) => h.type);
  }

  stats(): { types: number; sources: number; jars: number; jdkTypes: number } {
    return {
      types: LAYERS.reduce((n, l) => n + this.layers.get(l)!.size, 0),
      sources: this.originsOf('source').length,
      jars: this.originsOf('jar').length,
      jdkTypes: this.layers.get('jdk')!.size,
    };
  }
}
