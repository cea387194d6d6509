// A class file's declarations (./class-file.ts) as the index's IndexedType: qualified names with dots,
// nested types named through InnerClasses, constructors of inner (non-static) classes without the
// enclosing instance javac adds, and no synthetic or bridge members. Anonymous and local classes,
// module-info and package-info are not types a test can name: undefined.
import { ACC, binaryToQualified, methodDescriptor, descriptorType, type ClassFileInfo } from './class-file';
import { accessOf, type Access, type IndexedMember, type IndexedType } from './indexed-type';

function access(flags: number): Access {
  return accessOf({ public: !!(flags & ACC.PUBLIC), protected: !!(flags & ACC.PROTECTED), private: !!(flags & ACC.PRIVATE) });
}

function kindOf(flags: number, record: boolean): IndexedType['kind'] {
  if (flags & ACC.ANNOTATION) return 'annotation';
  if (flags & ACC.INTERFACE) return 'interface';
  if (flags & ACC.ENUM) return 'enum';
  return record ? 'record' : 'class';
}

export function typeFromClassFile(c: ClassFileInfo): IndexedType | undefined {
  if (c.access & ACC.MODULE || c.access & ACC.SYNTHETIC) return undefined;
  const slash = c.name.lastIndexOf('/');
  const pkg = slash < 0 ? '' : c.name.slice(0, slash).replace(/\//g, '.');
  const simple = c.name.slice(slash + 1);
  if (simple === 'package-info' || simple === 'module-info') return undefined;

  // Names of this class and its nested types come from InnerClasses: `$` may be part of a real name.
  const qualifiedOf = new Map<string, string>();
  const resolve = (internal: string): string => {
    const known = qualifiedOf.get(internal);
    if (known) return known;
    const entry = c.innerClasses.find((e) => e.inner === internal);
    const q = entry?.outer && entry.simpleName ? `${resolve(entry.outer)}.${entry.simpleName}` : binaryToQualified(internal);
    qualifiedOf.set(internal, q);
    return q;
  };
  const self = c.innerClasses.find((e) => e.inner === c.name);
  if (self && (!self.outer || !self.simpleName)) return undefined; // local or anonymous
  if (!self && /\$\d/.test(simple)) return undefined; // anonymous class without its InnerClasses entry
  const flags = self ? self.access : c.access;
  const name = resolve(c.name);
  const innerNonStatic = !!self && !(self.access & ACC.STATIC) && !(flags & (ACC.INTERFACE | ACC.ENUM)) && !c.record;

  const members: IndexedMember[] = [];
  for (const m of c.methods) {
    if (m.access & (ACC.SYNTHETIC | ACC.BRIDGE) || m.name === '<clinit>') continue;
    const d = methodDescriptor(m.descriptor);
    const ctor = m.name === '<init>';
    const arity = ctor && innerNonStatic ? Math.max(0, d.params.length - 1) : d.params.length;
    members.push({
      kind: ctor ? 'constructor' : 'method',
      name: m.name,
      access: access(m.access),
      static: !!(m.access & ACC.STATIC),
      arity,
      varargs: !!(m.access & ACC.VARARGS),
      type: ctor ? undefined : d.returns,
      throws: m.exceptions.length ? m.exceptions.map(resolve) : undefined,
    });
  }
  for (const f of c.fields) {
    if (f.access & ACC.SYNTHETIC) continue;
    members.push({ kind: 'field', name: f.name, access: access(f.access), static: !!(f.access & ACC.STATIC), type: descriptorType(f.descriptor).type });
  }
  const nested: Record<string, string> = {};
  for (const e of c.innerClasses) if (e.outer === c.name && e.simpleName && !(e.access & ACC.SYNTHETIC) && !(e.access & ACC.PRIVATE)) nested[e.simpleName] = resolve(e.inner);

  return {
    name,
    package: pkg,
    kind: kindOf(flags, c.record),
    access: access(flags),
    static: !!self && (!!(self.access & ACC.STATIC) || !innerNonStatic),
    abstract: !!(flags & ACC.ABSTRACT) && !(flags & ACC.INTERFACE),
    supertypes: [...(c.superName ? [resolve(c.superName)] : []), ...c.interfaces.map(resolve)],
    members,
    nested,
  };
}
