// What the symbol-aware decoding constraint may know of the names a test can use, as plain data: it
// crosses the worker thread and the sidecar's JSON protocol inside GenerateOptions, so it carries no
// functions and no index object. The symbol index (this folder) builds one per prepared test — the
// focal class, the types its members mention, the test file's imports and fields, the JDK and test
// libraries' types the test names — and the constraint (src/java/decoding/) only reads it.
//
// The rule that keeps it safe: what is not here is UNKNOWN, not forbidden. A type missing from
// `types`, or one whose `complete` is false (a supertype that could not be read), never constrains a
// member access on it; only a name missing from a complete type's members (and those of its
// supertypes) is refused.

/** One method name of a type: every overload's arity (a varargs overload accepts `arity - 1` or more). */
export interface MethodSymbol {
  static: boolean; // true when every overload of this name is static
  arities: number[];
  varargs: boolean; // some overload is varargs
  /** Erased return type by qualified name per arity (the first overload wins), '' where void or unknown. */
  returns: Record<number, string>;
}

export interface FieldSymbol {
  static: boolean;
  type: string; // erased, qualified where known ('int', 'java.lang.String', 'com.x.Foo'), else as written
}

export interface TypeSymbols {
  kind: 'class' | 'interface' | 'enum' | 'record' | 'annotation';
  /** Direct supertypes (superclass, interfaces), qualified. */
  supertypes: string[];
  /** Every supertype up to java.lang.Object was read: only then may a member not listed be refused. */
  complete: boolean;
  abstract: boolean;
  /** Arities of the constructors the test can call (public; package-private when the test is in the same package). */
  constructors: number[];
  constructorVarargs: boolean;
  methods: Record<string, MethodSymbol>; // declared here, visible to the test (not private)
  fields: Record<string, FieldSymbol>; // declared here, visible to the test; enum constants included
  /** Nested types visible to the test, by simple name → qualified name (Outer$Inner written Outer.Inner). */
  nested: Record<string, string>;
}

export interface SymbolScope {
  /** Simple name → qualified name of every type the test file can name without qualification: its imports (on-demand ones expanded where the index knows the package), its own package, java.lang. */
  visibleTypes: Record<string, string>;
  /** Types by qualified name: those in visibleTypes that the index knows, plus those their members return (a bounded closure). */
  types: Record<string, TypeSymbols>;
  /** Names a bare identifier may be besides locals and types: static imports and the test class's own fields and methods → kind. */
  bareNames: Record<string, 'field' | 'method'>;
  /** Packages whose types the index knows completely: `a.b.` followed by an unknown name can be refused only inside these. */
  knownPackages: string[];
  /** Set when the test class inherits from, or statically imports everything of, a type the index does not hold: a bare identifier missing from bareNames may still exist. */
  bareNamesIncomplete?: boolean;
}
