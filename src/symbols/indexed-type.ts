// The index's record of one type, from a class file or a source file: plain data (cached on disk as
// JSON), qualified names with dots (a nested type `a.b.Outer.Inner`). Types named in a source file stay
// as written there until the index resolves them (src/symbols/resolve.ts), because a simple name may
// be a type of the same package that another file declares.

export type Access = 'public' | 'protected' | 'package' | 'private';

export interface IndexedMember {
  kind: 'method' | 'constructor' | 'field';
  name: string; // '<init>' for constructors
  access: Access;
  static: boolean;
  /** Methods and constructors: the number of parameters (a varargs one counted once). */
  arity?: number;
  varargs?: boolean;
  /** Methods: the erased return type ('' for void); fields: the erased field type. Qualified from class files, as written from sources. */
  type?: string;
  /** Declared exceptions (methods and constructors), as `type` is written. */
  throws?: string[];
}

export interface IndexedType {
  name: string; // qualified: 'java.util.Map.Entry'
  package: string;
  kind: 'class' | 'interface' | 'enum' | 'record' | 'annotation';
  access: Access;
  static: boolean; // a nested type declared static (or implicitly: interfaces, enums, records, members of interfaces)
  abstract: boolean;
  /** Direct supertypes (superclass first, then interfaces); qualified from class files, as written from sources. */
  supertypes: string[];
  members: IndexedMember[];
  /** Nested member types: simple name → qualified name. */
  nested: Record<string, string>;
  /** Set for types read from sources: how the file names types, to resolve `supertypes` and member types. */
  imports?: FileImports;
}

/** What a compilation unit's names mean: its package and imports (one object shared by the file's types). */
export interface FileImports {
  package: string;
  single: Record<string, string>; // simple name → qualified ('List' → 'java.util.List')
  onDemand: string[]; // packages or types imported with `.*`
  staticSingle: Record<string, string>; // member name → qualified owner type
  staticOnDemand: string[]; // qualified owner types
}

/** Modifier flags → the access level. */
export function accessOf(flags: { public?: boolean; protected?: boolean; private?: boolean }): Access {
  return flags.public ? 'public' : flags.protected ? 'protected' : flags.private ? 'private' : 'package';
}

/** `record[key]` when it is the record's own (a name like `toString` or `constructor` must not find Object.prototype's). */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** An empty record without a prototype, for maps keyed by Java names. */
export function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
