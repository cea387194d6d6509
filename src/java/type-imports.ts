// Imports for the types a generated test names (issue 17 item 3): each simple type name the method
// uses that is not declared in the test file, not in java.lang and not in the test's own package is
// resolved, in order, from the focal file's single-type imports, the focal file's package (when the test
// sits in another one), the main source root that holds the focal file (a `Name.java` under it, when
// exactly one), and a table of common JDK packages; the test framework's `Assertions`/`Assert` and
// Mockito's classes by the framework. What none of them resolves is left alone (javac will
// name it). Reads the file system (the source root, listed once per root and kept 30 s); never throws.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SyntaxNode } from './parser';
import { walkTree } from '../util/walk';

/** Common JDK types by package: what a test names most (java.lang needs no import). */
const JDK: Record<string, string[]> = {
  'java.util': [
    'List', 'ArrayList', 'LinkedList', 'Map', 'HashMap', 'LinkedHashMap', 'TreeMap', 'Set', 'HashSet', 'LinkedHashSet', 'TreeSet', 'Arrays',
    'Collections', 'Optional', 'OptionalInt', 'OptionalLong', 'OptionalDouble', 'Objects', 'Random', 'Iterator', 'ListIterator', 'Collection',
    'Deque', 'ArrayDeque', 'Queue', 'PriorityQueue', 'Stack', 'Vector', 'Hashtable', 'UUID', 'Date', 'Calendar', 'GregorianCalendar', 'Locale',
    'Properties', 'Scanner', 'StringJoiner', 'BitSet', 'Comparator', 'EnumMap', 'EnumSet', 'IdentityHashMap', 'WeakHashMap', 'SortedMap',
    'SortedSet', 'NavigableMap', 'NavigableSet', 'TimeZone', 'Currency', 'Base64', 'Enumeration', 'NoSuchElementException',
    'ConcurrentModificationException', 'StringTokenizer', 'AbstractMap',
  ],
  'java.io': [
    'File', 'InputStream', 'OutputStream', 'ByteArrayInputStream', 'ByteArrayOutputStream', 'IOException', 'FileNotFoundException',
    'UncheckedIOException', 'Reader', 'Writer', 'StringReader', 'StringWriter', 'BufferedReader', 'BufferedWriter', 'InputStreamReader',
    'OutputStreamWriter', 'FileInputStream', 'FileOutputStream', 'FileReader', 'FileWriter', 'PrintStream', 'PrintWriter', 'Serializable',
    'Closeable', 'DataInputStream', 'DataOutputStream', 'ObjectInputStream', 'ObjectOutputStream', 'EOFException', 'CharArrayReader',
    'CharArrayWriter', 'BufferedInputStream', 'BufferedOutputStream',
  ],
  'java.nio.file': ['Path', 'Paths', 'Files', 'StandardOpenOption', 'NoSuchFileException'],
  'java.nio.charset': ['StandardCharsets', 'Charset'],
  'java.nio': ['ByteBuffer', 'CharBuffer', 'ByteOrder'],
  'java.math': ['BigDecimal', 'BigInteger', 'RoundingMode', 'MathContext'],
  'java.time': ['LocalDate', 'LocalDateTime', 'LocalTime', 'Instant', 'Duration', 'Period', 'ZonedDateTime', 'ZoneId', 'ZoneOffset', 'OffsetDateTime', 'Clock', 'DayOfWeek', 'Month', 'Year', 'YearMonth'],
  'java.time.format': ['DateTimeFormatter', 'DateTimeParseException'],
  'java.util.function': ['Function', 'BiFunction', 'Supplier', 'Consumer', 'BiConsumer', 'Predicate', 'BiPredicate', 'UnaryOperator', 'BinaryOperator', 'IntFunction', 'ToIntFunction', 'IntPredicate', 'IntUnaryOperator'],
  'java.util.stream': ['Stream', 'Collectors', 'IntStream', 'LongStream', 'DoubleStream'],
  'java.util.concurrent': ['TimeUnit', 'ExecutorService', 'Executors', 'Future', 'CompletableFuture', 'ConcurrentHashMap', 'CountDownLatch', 'Callable', 'ExecutionException', 'TimeoutException', 'CopyOnWriteArrayList', 'ConcurrentMap'],
  'java.util.concurrent.atomic': ['AtomicInteger', 'AtomicLong', 'AtomicBoolean', 'AtomicReference'],
  'java.util.regex': ['Pattern', 'Matcher', 'PatternSyntaxException'],
  'java.net': ['URI', 'URL', 'URISyntaxException', 'MalformedURLException', 'InetAddress'],
  'java.text': ['SimpleDateFormat', 'ParseException', 'DecimalFormat', 'NumberFormat', 'MessageFormat'],
};
const JDK_PACKAGE = new Map(Object.entries(JDK).flatMap(([pkg, names]) => names.map((n) => [n, pkg] as const)));

/** java.lang's public types a test may name (never imported, never looked up). */
const JAVA_LANG = new Set(
  (
    'Object String StringBuilder StringBuffer CharSequence Math StrictMath System Runtime Thread Runnable Iterable Comparable Cloneable AutoCloseable ' +
    'Integer Long Short Byte Double Float Boolean Character Number Void Class Enum Record Process ProcessBuilder ThreadLocal ClassLoader ' +
    'Throwable Exception Error RuntimeException IllegalArgumentException IllegalStateException NullPointerException IndexOutOfBoundsException ' +
    'ArrayIndexOutOfBoundsException StringIndexOutOfBoundsException ClassCastException ArithmeticException NumberFormatException ' +
    'UnsupportedOperationException CloneNotSupportedException InterruptedException ReflectiveOperationException ClassNotFoundException ' +
    'NoSuchMethodException NoSuchFieldException SecurityException AssertionError StackOverflowError OutOfMemoryError NegativeArraySizeException ' +
    'ArrayStoreException IllegalAccessException InstantiationException Override Deprecated SuppressWarnings FunctionalInterface SafeVarargs'
  ).split(' '),
);

/**
 * The simple type names `method` names: type identifiers (the leftmost of `Map.Entry`) and capitalised
 * receivers of calls and field accesses (`Files.readAllLines(…)`, `TimeUnit.SECONDS`), minus its own
 * locals, parameters and type parameters.
 */
export function namedTypes(method: SyntaxNode): Set<string> {
  const out = new Set<string>();
  const locals = new Set<string>();
  const walk = (n: SyntaxNode) => {
    if (n.type === 'scoped_type_identifier') {
      let first: SyntaxNode | null = n;
      while (first && first.type === 'scoped_type_identifier') first = first.namedChildren[0] ?? null;
      if (first?.type === 'type_identifier') out.add(first.text);
      return;
    }
    if (n.type === 'type_identifier') out.add(n.text);
    else if (n.type === 'variable_declarator' || n.type === 'formal_parameter' || n.type === 'catch_formal_parameter') {
      const name = n.childForFieldName('name')?.text;
      if (name) locals.add(name);
    } else if (n.type === 'type_parameter') {
      const name = n.namedChildren.find((c) => c?.type === 'type_identifier' || c?.type === 'identifier')?.text;
      if (name) locals.add(name);
    } else if (n.type === 'method_invocation' || n.type === 'field_access') {
      const object = n.childForFieldName('object');
      if (object?.type === 'identifier' && /^[A-Z]\w*[a-z]\w*$/.test(object.text)) out.add(object.text);
    }
    for (const c of n.namedChildren) if (c) walk(c);
  };
  walk(method);
  for (const l of locals) out.delete(l);
  return out;
}

/** A Java file's single-type imports (static and on-demand ones left out): simple name → qualified name. */
export function singleTypeImports(javaText: string): Map<string, string> {
  const out = new Map<string, string>();
  const code = javaText.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  for (const m of code.matchAll(/^\s*import\s+((?:[\w$]+\s*\.\s*)*[\w$]+)\s*;/gm)) {
    const name = m[1].replace(/\s+/g, '');
    out.set(name.slice(name.lastIndexOf('.') + 1), name);
  }
  return out;
}

/** Test-framework types by framework: the owner of the assertions the method calls through it. */
const FRAMEWORK_TYPES: Record<'junit4' | 'junit5', Record<string, string>> = {
  junit5: { Assertions: 'org.junit.jupiter.api.Assertions', Assumptions: 'org.junit.jupiter.api.Assumptions' },
  junit4: { Assert: 'org.junit.Assert', Assume: 'org.junit.Assume' },
};
const MOCKITO_TYPES: Record<string, string> = { Mockito: 'org.mockito.Mockito', ArgumentMatchers: 'org.mockito.ArgumentMatchers', ArgumentCaptor: 'org.mockito.ArgumentCaptor' };

/** The source root that holds a file of package `pkg` ('' when the path does not end in the package's folders). */
export function sourceRootOf(file: string, pkg: string): string {
  const dir = path.dirname(file);
  if (!pkg) return dir;
  const tail = path.join(...pkg.split('.'));
  return dir.endsWith(path.sep + tail) ? dir.slice(0, dir.length - tail.length - 1) : '';
}

/** Class names (file names without .java) in one folder. */
export function classesIn(dir: string): Set<string> {
  try {
    return new Set(fs.readdirSync(dir).filter((f) => f.endsWith('.java')).map((f) => f.slice(0, -5)));
  } catch {
    return new Set();
  }
}

/** Most .java files a source root's index lists (a bigger root is cut there). */
export const MAX_INDEXED_FILES = 50_000;
const INDEX_TTL_MS = 30_000;
const rootIndexes = new Map<string, { at: number; byName: Map<string, string[]> }>();

/** Simple class name → the packages under `root` that hold a file of that name. */
function rootIndex(root: string): Map<string, string[]> {
  const hit = rootIndexes.get(root);
  if (hit && Date.now() - hit.at < INDEX_TTL_MS) return hit.byName;
  const byName = new Map<string, string[]>();
  let files = 0;
  walkTree(root, {
    enterDir: (name) => files < MAX_INDEXED_FILES && /^[A-Za-z_$][\w$]*$/.test(name),
    file: (fullPath, name) => {
      if (files >= MAX_INDEXED_FILES || !name.endsWith('.java')) return;
      files++;
      const pkg = path.relative(root, path.dirname(fullPath)).split(path.sep).filter(Boolean).join('.');
      byName.set(name.slice(0, -5), [...(byName.get(name.slice(0, -5)) ?? []), pkg]);
    },
  });
  rootIndexes.set(root, { at: Date.now(), byName });
  return byName;
}

export interface TypeContext {
  focalImports: Map<string, string>; // the focal file's single-type imports
  focalPackage: string;
  focalPackageTypes: Set<string>; // classes in the focal file's folder
  testPackage: string;
  testPackageTypes: Set<string>; // classes in the test's package (its folder, and the main folder of that package)
  declared: Set<string>; // types declared in the test file (the class, nested types, type parameters)
  mainRoot?: string; // the main source root that holds the focal file
  framework: 'junit4' | 'junit5' | 'junit3'; // JUnit 3: the assertions are TestCase's own
  mockito: boolean;
}

/** The qualified name to import for simple type `name`, or undefined (no import needed, or unknown). */
export function resolveType(name: string, ctx: TypeContext): string | undefined {
  if (JAVA_LANG.has(name) || ctx.declared.has(name) || ctx.testPackageTypes.has(name)) return undefined;
  if (ctx.framework !== 'junit3' && FRAMEWORK_TYPES[ctx.framework][name]) return FRAMEWORK_TYPES[ctx.framework][name];
  if (ctx.mockito && MOCKITO_TYPES[name]) return MOCKITO_TYPES[name];
  const imported = ctx.focalImports.get(name);
  if (imported) return imported;
  if (ctx.focalPackageTypes.has(name)) return ctx.focalPackage && ctx.focalPackage !== ctx.testPackage ? `${ctx.focalPackage}.${name}` : undefined;
  if (ctx.mainRoot) {
    const pkgs = rootIndex(ctx.mainRoot).get(name);
    if (pkgs?.length === 1) return pkgs[0] && pkgs[0] !== ctx.testPackage ? `${pkgs[0]}.${name}` : undefined;
    if (pkgs && pkgs.length > 1) return undefined; // ambiguous: javac will say which
  }
  const jdk = JDK_PACKAGE.get(name);
  return jdk ? `${jdk}.${name}` : undefined;
}

/**
 * The types `resolveType` imports from its tables alone (no file read): the common JDK types, the
 * framework's and Mockito's, simple name → qualified. The symbol scope (src/symbols/build-scope.ts)
 * counts them as names a test may use, since placing the test imports them.
 */
export function tableTypes(framework: 'junit4' | 'junit5' | 'junit3', mockito: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, pkg] of JDK_PACKAGE) out.set(name, `${pkg}.${name}`);
  if (framework !== 'junit3') for (const [name, q] of Object.entries(FRAMEWORK_TYPES[framework])) out.set(name, q);
  if (mockito) for (const [name, q] of Object.entries(MOCKITO_TYPES)) out.set(name, q);
  return out;
}
