// A small XML reader for build files (pom.xml): elements, text, comments, CDATA, processing
// instructions, a DOCTYPE, entity references and namespace prefixes. It never throws: malformed
// input yields the elements read so far and a message in `errors` naming the offset.
// Namespace prefixes are dropped from element names (`<m:version>` → `version`) because pom
// files use one default namespace and matching on local names is what Maven effectively does.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string; // concatenated direct text and CDATA, entities decoded
}

export interface XmlDocument {
  root?: XmlElement;
  errors: string[];
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|\w+);/g, (all, ent: string) => {
    if (ent.startsWith('#x')) return safeCodePoint(parseInt(ent.slice(2), 16)) ?? all;
    if (ent.startsWith('#')) return safeCodePoint(parseInt(ent.slice(1), 10)) ?? all;
    return ENTITIES[ent] ?? all;
  });
}

function safeCodePoint(code: number): string | undefined {
  return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon >= 0 ? qname.slice(colon + 1) : qname;
}

/** Parses XML text into an element tree; never throws. */
export function parseXml(text: string): XmlDocument {
  const errors: string[] = [];
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const n = text.length;
  const appendText = (t: string) => {
    if (stack.length) stack[stack.length - 1].text += t;
  };
  const skipTo = (marker: string, what: string): boolean => {
    const end = text.indexOf(marker, i);
    if (end < 0) {
      errors.push(`unterminated ${what} at offset ${i}`);
      i = n;
      return false;
    }
    i = end + marker.length;
    return true;
  };
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      appendText(decodeEntities(text.slice(i)));
      break;
    }
    if (lt > i) appendText(decodeEntities(text.slice(i, lt)));
    i = lt;
    if (text.startsWith('<!--', i)) skipTo('-->', 'comment');
    else if (text.startsWith('<![CDATA[', i)) {
      const start = i + 9;
      if (skipTo(']]>', 'CDATA section')) appendText(text.slice(start, i - 3));
    } else if (text.startsWith('<?', i)) skipTo('?>', 'processing instruction');
    else if (text.startsWith('<!', i)) {
      // DOCTYPE, possibly with an internal subset in brackets
      const bracket = text.indexOf('[', i);
      const close = text.indexOf('>', i);
      if (bracket >= 0 && close >= 0 && bracket < close) skipTo(']>', 'DOCTYPE');
      else skipTo('>', 'declaration');
    } else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i);
      if (end < 0) {
        errors.push(`unterminated end tag at offset ${i}`);
        break;
      }
      const name = localName(text.slice(i + 2, end).trim());
      i = end + 1;
      // close up to the matching element; a stray end tag is reported and ignored
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at < 0) errors.push(`end tag </${name}> without a start tag at offset ${lt}`);
      else {
        if (at !== stack.length - 1) errors.push(`<${stack[stack.length - 1].name}> not closed before </${name}> at offset ${lt}`);
        stack.length = at;
      }
    } else {
      const tag = readStartTag(text, i);
      if (!tag) {
        errors.push(`malformed tag at offset ${i}`);
        appendText('<');
        i += 1;
        continue;
      }
      i = tag.end;
      const el: XmlElement = { name: tag.name, attrs: tag.attrs, children: [], text: '' };
      if (stack.length) stack[stack.length - 1].children.push(el);
      else if (!root) root = el;
      else errors.push(`second root element <${tag.name}> at offset ${lt} ignored`);
      if (!tag.selfClosing) stack.push(el);
    }
  }
  if (stack.length) errors.push(`unclosed element <${stack[stack.length - 1].name}> at end of input`);
  if (!root && !errors.length) errors.push('no root element');
  return { root, errors };
}

function readStartTag(text: string, start: number): { name: string; attrs: Record<string, string>; selfClosing: boolean; end: number } | undefined {
  const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(start, start + 200));
  if (!m) return undefined;
  let i = start + m[0].length;
  const attrs: Record<string, string> = {};
  const attrRe = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/y;
  for (;;) {
    attrRe.lastIndex = i;
    const a = attrRe.exec(text);
    if (!a) break;
    attrs[a[1]] = decodeEntities(a[3] ?? a[4] ?? '');
    i = attrRe.lastIndex;
  }
  while (i < text.length && /\s/.test(text[i])) i++;
  if (text.startsWith('/>', i)) return { name: localName(m[1]), attrs, selfClosing: true, end: i + 2 };
  if (text[i] === '>') return { name: localName(m[1]), attrs, selfClosing: false, end: i + 1 };
  return undefined;
}

/** The first child element with this name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** All child elements with this name. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The trimmed text of the child element at `path` (`a/b/c`), or undefined. */
export function textAt(el: XmlElement | undefined, path: string): string | undefined {
  let cur = el;
  for (const part of path.split('/')) cur = child(cur, part);
  const t = cur?.text.trim();
  return t === undefined || t === '' ? undefined : t;
}
