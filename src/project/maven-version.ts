// Maven version ordering and version ranges, as Maven's ComparableVersion and VersionRange define
// them (simplified where real poms never go): versions split into numbers and qualifiers at '.', '-'
// and digit/letter changes; qualifiers order alpha < beta < milestone < rc < snapshot < release < sp,
// unknown qualifiers after those, alphabetically; trailing zeros do not count ("1.0" equals "1").
// Ranges: `[1.0,2.0)`, `[1.0]`, `(,1.0]`, `[1.2,)` and unions `[1,2),[3,4)`.

type Item = number | string;

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { a: 'alpha', b: 'beta', m: 'milestone', cr: 'rc', ga: '', final: '', release: '' };

function items(version: string): Item[] {
  const out: Item[] = [];
  for (const m of version.toLowerCase().matchAll(/\d+|[a-z]+/g)) out.push(/^\d/.test(m[0]) ? Number(m[0]) : m[0]);
  // trailing "zero" items (0, '', ga, final) do not change the version
  while (out.length && (out[out.length - 1] === 0 || qualifierRank(out[out.length - 1]) === QUALIFIERS.indexOf(''))) out.pop();
  return out;
}

function qualifierRank(item: Item): number | undefined {
  if (typeof item === 'number') return undefined;
  const q = ALIASES[item] ?? item;
  const at = QUALIFIERS.indexOf(q);
  return at >= 0 ? at : undefined;
}

function compareItem(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined && b === undefined) return 0;
  // a missing item is a release: numbers beat it, pre-release qualifiers lose to it
  if (a === undefined) return -compareItem(b, undefined);
  if (b === undefined) {
    if (typeof a === 'number') return a === 0 ? 0 : 1;
    return compareQualifier(a, '');
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return 1; // 1.1 > 1.rc
  if (typeof b === 'number') return -1;
  return compareQualifier(a, b);
}

function compareQualifier(a: string, b: string): number {
  const ra = qualifierRank(a);
  const rb = qualifierRank(b);
  if (ra !== undefined && rb !== undefined) return ra - rb;
  if (ra !== undefined) return -1; // known qualifiers sort before unknown ones
  if (rb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative, zero or positive as version `a` is lower than, equal to or higher than `b`. */
export function compareVersions(a: string, b: string): number {
  const ia = items(a);
  const ib = items(b);
  for (let k = 0; k < Math.max(ia.length, ib.length); k++) {
    const c = compareItem(ia[k], ib[k]);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

interface Bound {
  lower?: string;
  lowerInclusive: boolean;
  upper?: string;
  upperInclusive: boolean;
}

export interface VersionSpec {
  /** A plain version ("1.2"): Maven's soft requirement. */
  soft?: string;
  /** Range restrictions; a version matches when it is inside any of them. */
  ranges: Bound[];
  error?: string;
}

/** Parses a dependency's version text; never throws (a malformed range comes back with `error`). */
export function parseVersionSpec(text: string): VersionSpec {
  const t = text.trim();
  if (!/^[[(]/.test(t)) return { soft: t, ranges: [] };
  const ranges: Bound[] = [];
  const re = /([[(])([^\])]*)([\])])\s*,?\s*/y;
  let i = 0;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) return { ranges, error: `malformed version range "${t}"` };
    i = re.lastIndex;
    const parts = m[2].split(',').map((p) => p.trim());
    if (parts.length === 1) {
      if (m[1] !== '[' || m[3] !== ']' || !parts[0]) return { ranges, error: `malformed version range "${t}"` };
      ranges.push({ lower: parts[0], lowerInclusive: true, upper: parts[0], upperInclusive: true });
    } else if (parts.length === 2) {
      ranges.push({ lower: parts[0] || undefined, lowerInclusive: m[1] === '[', upper: parts[1] || undefined, upperInclusive: m[3] === ']' });
    } else return { ranges, error: `malformed version range "${t}"` };
  }
  return { ranges };
}

/** Whether a version is inside the spec's ranges (always true for a soft requirement). */
export function inRange(version: string, spec: VersionSpec): boolean {
  if (!spec.ranges.length) return !spec.error;
  return spec.ranges.some((r) => {
    if (r.lower !== undefined) {
      const c = compareVersions(version, r.lower);
      if (c < 0 || (c === 0 && !r.lowerInclusive)) return false;
    }
    if (r.upper !== undefined) {
      const c = compareVersions(version, r.upper);
      if (c > 0 || (c === 0 && !r.upperInclusive)) return false;
    }
    return true;
  });
}

/** The highest of `available` inside the spec, or undefined. */
export function highestInRange(available: string[], spec: VersionSpec): string | undefined {
  return available.filter((v) => inRange(v, spec)).sort(compareVersions).pop();
}
