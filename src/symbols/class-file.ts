// A reader of the JVM class-file format (JVMS §4) for the symbol index: the constant pool, access
// flags, this/super/interfaces, fields and methods (name, descriptor, flags, declared exceptions),
// InnerClasses (the real names and flags of nested types) and whether it is a record. Code is never
// read. Never throws: a corrupt or truncated file gives an error string.

export interface ClassMemberInfo {
  name: string;
  descriptor: string;
  access: number;
  exceptions: string[]; // internal names ('java/io/IOException')
}

export interface InnerClassInfo {
  inner: string; // internal name
  outer?: string; // absent for local and anonymous classes
  simpleName?: string; // absent for anonymous classes
  access: number;
}

export interface ClassFileInfo {
  major: number;
  access: number;
  name: string; // internal name: 'java/util/Map$Entry'
  superName?: string; // absent only for java/lang/Object and module-info
  interfaces: string[];
  fields: ClassMemberInfo[];
  methods: ClassMemberInfo[];
  innerClasses: InnerClassInfo[];
  record: boolean;
  /** module-info only: the packages it exports to everyone (slash-separated), from its Module attribute. */
  exports?: string[];
}

export const ACC = {
  PUBLIC: 0x0001,
  PRIVATE: 0x0002,
  PROTECTED: 0x0004,
  STATIC: 0x0008,
  FINAL: 0x0010,
  BRIDGE: 0x0040,
  VARARGS: 0x0080,
  INTERFACE: 0x0200,
  ABSTRACT: 0x0400,
  SYNTHETIC: 0x1000,
  ANNOTATION: 0x2000,
  ENUM: 0x4000,
  MODULE: 0x8000,
} as const;

class Truncated extends Error {}

/** Bounds-checked big-endian reads over the file's bytes. */
class Reader {
  pos = 0;
  constructor(readonly b: Uint8Array) {}
  need(n: number): void {
    if (this.pos + n > this.b.length) throw new Truncated(`truncated at byte ${this.pos} (wanted ${n} more of ${this.b.length})`);
  }
  u1(): number {
    this.need(1);
    return this.b[this.pos++];
  }
  u2(): number {
    this.need(2);
    const v = (this.b[this.pos] << 8) | this.b[this.pos + 1];
    this.pos += 2;
    return v;
  }
  u4(): number {
    this.need(4);
    const v = ((this.b[this.pos] << 24) >>> 0) + ((this.b[this.pos + 1] << 16) | (this.b[this.pos + 2] << 8) | this.b[this.pos + 3]);
    this.pos += 4;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

/** The class file's "modified UTF-8" (JVMS §4.4.7): 1-, 2- and 3-byte forms; surrogates stay UTF-16 code units. */
function modifiedUtf8(b: Uint8Array, start: number, end: number): string {
  let ascii = true;
  for (let i = start; i < end; i++) if (b[i] >= 0x80 || b[i] === 0) ascii = false;
  if (ascii) return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1'); // no 65,535-argument spread
  const codes: number[] = [];
  for (let i = start; i < end; ) {
    const c = b[i];
    if (c < 0x80) (codes.push(c), (i += 1));
    else if ((c & 0xe0) === 0xc0) (codes.push(((c & 0x1f) << 6) | (b[i + 1] & 0x3f)), (i += 2));
    else (codes.push(((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f)), (i += 3));
  }
  let s = '';
  for (let i = 0; i < codes.length; i += 4096) s += String.fromCharCode(...codes.slice(i, i + 4096));
  return s;
}

type PoolEntry = { tag: number; utf8?: string; ref?: number };

function readPool(r: Reader): PoolEntry[] {
  const count = r.u2();
  const pool: PoolEntry[] = new Array(count);
  for (let i = 1; i < count; i++) {
    const tag = r.u1();
    switch (tag) {
      case 1: {
        const len = r.u2();
        r.need(len);
        pool[i] = { tag, utf8: modifiedUtf8(r.b, r.pos, r.pos + len) };
        r.pos += len;
        break;
      }
      case 7: // Class
      case 8: // String
      case 16: // MethodType
      case 19: // Module
      case 20: // Package
        pool[i] = { tag, ref: r.u2() };
        break;
      case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: // prettier-ignore
        r.skip(4);
        pool[i] = { tag };
        break;
      case 5: // Long
      case 6: // Double: two slots
        r.skip(8);
        pool[i] = { tag };
        i++;
        break;
      case 15: // MethodHandle
        r.skip(3);
        pool[i] = { tag };
        break;
      default:
        throw new Truncated(`unknown constant pool tag ${tag} at entry ${i}`);
    }
  }
  return pool;
}

function utf8At(pool: PoolEntry[], index: number): string {
  const e = pool[index];
  if (!e || e.tag !== 1 || e.utf8 === undefined) throw new Truncated(`constant ${index} is not a UTF-8 string`);
  return e.utf8;
}

function classAt(pool: PoolEntry[], index: number): string {
  const e = pool[index];
  if (!e || e.tag !== 7 || e.ref === undefined) throw new Truncated(`constant ${index} is not a class`);
  return utf8At(pool, e.ref);
}

function readMembers(r: Reader, pool: PoolEntry[]): ClassMemberInfo[] {
  const n = r.u2();
  const out: ClassMemberInfo[] = [];
  for (let i = 0; i < n; i++) {
    const access = r.u2();
    const name = utf8At(pool, r.u2());
    const descriptor = utf8At(pool, r.u2());
    const exceptions: string[] = [];
    const attrs = r.u2();
    for (let a = 0; a < attrs; a++) {
      const attrName = utf8At(pool, r.u2());
      const len = r.u4();
      r.need(len);
      const end = r.pos + len;
      if (attrName === 'Exceptions') {
        const k = r.u2();
        for (let j = 0; j < k; j++) exceptions.push(classAt(pool, r.u2()));
      }
      r.pos = end;
    }
    out.push({ name, descriptor, access, exceptions });
  }
  return out;
}

/** The unqualified exports of a Module attribute (JVMS §4.7.25): a qualified export is no public API. */
function readModuleExports(r: Reader, pool: PoolEntry[]): string[] {
  r.skip(6); // name, flags, version
  const requires = r.u2();
  r.skip(requires * 6);
  const out: string[] = [];
  const n = r.u2();
  for (let i = 0; i < n; i++) {
    const pkg = pool[r.u2()];
    r.u2(); // flags
    const to = r.u2();
    r.skip(to * 2);
    if (to === 0 && pkg?.tag === 20 && pkg.ref !== undefined) out.push(utf8At(pool, pkg.ref));
  }
  return out;
}

/** Reads one class file's declarations. Never throws. */
export function readClassFile(bytes: Uint8Array): { value?: ClassFileInfo; error?: string } {
  try {
    const r = new Reader(bytes);
    if (r.u4() !== 0xcafebabe) return { error: 'not a class file (no CAFEBABE magic)' };
    r.u2(); // minor
    const major = r.u2();
    const pool = readPool(r);
    const access = r.u2();
    const name = classAt(pool, r.u2());
    const superIndex = r.u2();
    const superName = superIndex ? classAt(pool, superIndex) : undefined;
    const interfaces: string[] = [];
    const ni = r.u2();
    for (let i = 0; i < ni; i++) interfaces.push(classAt(pool, r.u2()));
    const fields = readMembers(r, pool);
    const methods = readMembers(r, pool);
    const innerClasses: InnerClassInfo[] = [];
    let record = false;
    let exports: string[] | undefined;
    const attrs = r.u2();
    for (let a = 0; a < attrs; a++) {
      const attrName = utf8At(pool, r.u2());
      const len = r.u4();
      r.need(len);
      const end = r.pos + len;
      if (attrName === 'InnerClasses') {
        const k = r.u2();
        for (let j = 0; j < k; j++) {
          const inner = classAt(pool, r.u2());
          const outerIndex = r.u2();
          const nameIndex = r.u2();
          const flags = r.u2();
          innerClasses.push({ inner, outer: outerIndex ? classAt(pool, outerIndex) : undefined, simpleName: nameIndex ? utf8At(pool, nameIndex) : undefined, access: flags });
        }
      } else if (attrName === 'Record') record = true;
      else if (attrName === 'Module') exports = readModuleExports(r, pool);
      r.pos = end;
    }
    return { value: { major, access, name, superName, interfaces, fields, methods, innerClasses, record, ...(exports ? { exports } : {}) } };
  } catch (e) {
    return { error: e instanceof Truncated ? e.message : `unreadable class file: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** A field or return descriptor's erased type as Java writes it ('int', 'java.lang.String[]', '' for void), from `at`; and where it ends. */
export function descriptorType(d: string, at = 0): { type: string; end: number } {
  let dims = 0;
  while (d[at] === '[') dims++, at++;
  const c = d[at];
  let base: string;
  let end = at + 1;
  if (c === 'L') {
    const semi = d.indexOf(';', at);
    if (semi < 0) return { type: '', end: d.length };
    base = binaryToQualified(d.slice(at + 1, semi));
    end = semi + 1;
  } else base = PRIMITIVES[c] ?? '';
  return { type: base + '[]'.repeat(dims), end };
}

const PRIMITIVES: Record<string, string> = { B: 'byte', C: 'char', D: 'double', F: 'float', I: 'int', J: 'long', S: 'short', Z: 'boolean', V: '' };

/** A method descriptor's parameter types and erased return type. */
export function methodDescriptor(d: string): { params: string[]; returns: string } {
  const params: string[] = [];
  let at = d.indexOf('(') + 1;
  while (at > 0 && at < d.length && d[at] !== ')') {
    const t = descriptorType(d, at);
    params.push(t.type);
    at = t.end;
  }
  return { params, returns: descriptorType(d, at + 1).type };
}

/**
 * An internal name as Java source writes it: 'java/util/Map$Entry' → 'java.util.Map.Entry'. A `$` before
 * a letter is taken for nesting (javac's convention); the reader uses InnerClasses where it has them.
 */
export function binaryToQualified(internal: string): string {
  return internal.replace(/\//g, '.').replace(/\$(?=[A-Za-z_])/g, '.');
}
