// TestTune's settings, declared once. The manifest's `contributes.configuration` is generated from
// (and checked against) this table by test/unit/settings.test.ts; the extension and the CLI read
// values through `readSettings`, which never throws: a bad value falls back to the default and says so.

export type ExecutionProvider = 'auto' | 'cuda' | 'webgpu' | 'cpu';
export type TestFrameworkSetting = 'auto' | 'junit4' | 'junit5';
export type QuantizationSetting = 'none' | 'int8' | 'int4';
export type RunBuildToolSetting = 'never' | 'maven-gradle';

export interface TestTuneSettings {
  modelPath: string;
  adapter: string;
  executionProvider: ExecutionProvider;
  maxNewTokens: number;
  testFramework: TestFrameworkSetting;
  testSourceRoot: string;
  codeLensEnabled: boolean;
  saveAfterInsert: boolean;
  quantization: QuantizationSetting;
  loopGuard: number;
  syntaxGuard: boolean;
  symbolConstraint: boolean;
  verifyEnabled: boolean;
  verifyCandidates: number;
  verifyRepairRounds: number;
  verifyTimeLimitSeconds: number;
  verifyInsertFailing: boolean;
  projectRunBuildTool: RunBuildToolSetting;
}

interface Base<K extends keyof TestTuneSettings> {
  field: K;
  key: string; // full key, `testtune.` + suffix
  description: string;
  scope: 'application' | 'machine' | 'window' | 'resource' | 'machine-overridable';
  order: number;
}
type StringSpec<K extends keyof TestTuneSettings> = Base<K> & { type: 'string'; default: string; enum?: readonly string[]; enumDescriptions?: readonly string[] };
type NumberSpec<K extends keyof TestTuneSettings> = Base<K> & { type: 'integer'; default: number; minimum: number; maximum: number };
type BooleanSpec<K extends keyof TestTuneSettings> = Base<K> & { type: 'boolean'; default: boolean };
export type SettingSpec =
  | StringSpec<keyof TestTuneSettings>
  | NumberSpec<keyof TestTuneSettings>
  | BooleanSpec<keyof TestTuneSettings>;

// Scopes: model path and provider are 'window', not 'machine-overridable': in a remote window
// (code-server, SSH, containers) a machine-overridable value in the user settings is ignored once the
// defaults are registered (microsoft/vscode#73985, #79983) — seen here as the model path vanishing.
export const SETTINGS: readonly SettingSpec[] = [
  {
    field: 'modelPath', key: 'testtune.modelPath', type: 'string', default: '', scope: 'window', order: 1,
    description: 'Folder of the code model, as Hugging Face saves it (config.json, tokenizer.json, model.safetensors or its shards; llama, mistral, qwen2, starcoder2, phi, codegen, gpt_bigcode). `testtune model check <folder>` says whether and why not it can be used. Empty: the model shipped with the extension.',
  },
  {
    field: 'adapter', key: 'testtune.adapter', type: 'string', default: '', scope: 'resource', order: 2,
    description: 'Fine-tuned adapter to use: a folder under the model\'s adapters/ or the workspace\'s .testtune/adapters/; "none": the base model; empty: the model\'s default adapter. The adapter picker writes it into the workspace settings.',
  },
  {
    field: 'executionProvider', key: 'testtune.executionProvider', type: 'string', default: 'auto', scope: 'window', order: 3,
    enum: ['auto', 'cuda', 'webgpu', 'cpu'],
    enumDescriptions: [
      'CUDA when its provider library is installed, else WebGPU when a hardware GPU adapter exists (not a software driver such as lavapipe), else CPU; the status bar says which, the log why.',
      'CUDA; falls back to CPU with a message when unavailable.',
      'WebGPU (Vulkan, D3D12 or Metal: no download, any GPU driver, a software Vulkan driver included), experimental; falls back to CPU with a message when no adapter exists.',
      'CPU only.',
    ],
    description: 'Where ONNX Runtime runs the model.',
  },
  {
    field: 'maxNewTokens', key: 'testtune.maxNewTokens', type: 'integer', default: 256, minimum: 16, maximum: 4096, scope: 'resource', order: 4,
    description: 'Most tokens generated for one test method (generation also stops when the method\'s braces balance).',
  },
  {
    field: 'testFramework', key: 'testtune.testFramework', type: 'string', default: 'auto', scope: 'resource', order: 5,
    enum: ['auto', 'junit4', 'junit5'],
    enumDescriptions: ['Detect from the build files and existing tests.', 'JUnit 4 (org.junit.Test).', 'JUnit 5 (org.junit.jupiter.api.Test).'],
    description: 'Test framework of generated tests.',
  },
  {
    field: 'testSourceRoot', key: 'testtune.testSourceRoot', type: 'string', default: '', scope: 'resource', order: 6,
    description: 'Test source root, relative to the workspace folder (e.g. src/test/java). Empty: derived from the Maven/Gradle layout.',
  },
  {
    field: 'codeLensEnabled', key: 'testtune.codeLens.enabled', type: 'boolean', default: true, scope: 'resource', order: 7,
    description: 'Show a "Generate test" code lens above each Java method a test can call (none in test source roots or test classes, none on private, abstract or native methods).',
  },
  {
    field: 'saveAfterInsert', key: 'testtune.saveAfterInsert', type: 'boolean', default: false, scope: 'resource', order: 8,
    description: 'Save the test file after a generated test is inserted (otherwise it is left dirty for review).',
  },
  {
    field: 'quantization', key: 'testtune.model.quantization', type: 'string', default: 'none', scope: 'window', order: 9,
    enum: ['none', 'int8', 'int4'],
    enumDescriptions: [
      'Full precision (f32) weights: the reference output.',
      'int8 weights (per output row) with dynamically quantised activations: several times faster decoding on CPU; the output can differ from f32 (measured: npm run bench -- --only quantize-quality).',
      'int4 weights in blocks of 32 (ONNX Runtime MatMulNBits), 16-bit embedding tables kept in 16 bits: the least memory (below the checkpoint\'s size on disk), for large models; the output can differ from f32 more than with int8.',
    ],
    description: 'Precision of the model weights when generating tests. Changing it restarts the model process.',
  },
  {
    field: 'loopGuard', key: 'testtune.generation.loopGuard', type: 'integer', default: 3, minimum: 0, maximum: 100, scope: 'resource', order: 10,
    description: 'Loop guard of the greedy decoding: never generate this many back-to-back copies of the same stretch of tokens (the next-best token is taken instead). Small models loop (`0, 0, 0, …`); the guard makes a complete test method more likely. 0 or 1: off, the study\'s plain greedy decoding.',
  },
  {
    field: 'syntaxGuard', key: 'testtune.generation.syntaxGuard', type: 'boolean', default: true, scope: 'resource', order: 11,
    description: 'Syntax guard of the decoding: never generate a token that breaks the test method\'s brackets (a `)` or `}` that closes nothing open, `;` inside parentheses, a line break inside a string, runaway nesting or argument lists, a `;` that ends what javac rejects as "not a statement" such as `builder.with;`); the next-best token is taken instead, and when the token limit is near, closing tokens are preferred, so the method ends with its `}`. Off: the study\'s plain greedy decoding.',
  },
  {
    field: 'verifyEnabled', key: 'testtune.verify.enabled', type: 'boolean', default: true, scope: 'resource', order: 12,
    description: 'Verify generated tests before inserting them: each candidate is compiled and run alone, with JaCoCo measuring the focal method\'s coverage, in a scratch copy outside the workspace (never in Restricted Mode: an untrusted workspace gets unverified tests, and says so). Only a test that passes is inserted.',
  },
  {
    field: 'verifyCandidates', key: 'testtune.verify.candidates', type: 'integer', default: 4, minimum: 1, maximum: 16, scope: 'resource', order: 13,
    description: 'Most candidate tests generated per method when verifying: the greedy one first, then sampled ones; the search stops at the first test that passes and executes the focal method.',
  },
  {
    field: 'verifyRepairRounds', key: 'testtune.verify.repairRounds', type: 'integer', default: 2, minimum: 0, maximum: 6, scope: 'resource', order: 14,
    description: 'Repair rounds per candidate: a failed assertion becomes a regression assertion on the observed value, an exception from the focal method an assertThrows, an uncompilable statement is removed; then the test is verified again. 0: verify only.',
  },
  {
    field: 'verifyTimeLimitSeconds', key: 'testtune.verify.timeLimitSeconds', type: 'integer', default: 20, minimum: 1, maximum: 600, scope: 'resource', order: 15,
    description: 'Time limit of one test run while verifying (seconds); the run and every process it started are killed after it.',
  },
  {
    field: 'verifyInsertFailing', key: 'testtune.verify.insertFailing', type: 'boolean', default: false, scope: 'resource', order: 16,
    description: 'When no candidate passes, insert the best one anyway, marked with a comment that says why it fails. Off: nothing that fails is inserted.',
  },
  {
    field: 'projectRunBuildTool', key: 'testtune.project.runBuildTool', type: 'string', default: 'never', scope: 'resource', order: 17,
    enum: ['never', 'maven-gradle'],
    enumDescriptions: [
      'Never run the build: the test classpath comes from pom.xml / build.gradle and the local repositories alone; what they cannot resolve is named.',
      'When the offline classpath leaves dependencies unresolved, run `mvn -o dependency:build-classpath` or Gradle (`./gradlew`, else `gradle`, offline) for it, under a time limit, in trusted workspaces only; a failure is reported with the tool\'s first output lines and the offline classpath stays.',
    ],
    description: 'Whether TestTune may run the project\'s build tool (it runs the project\'s plugins and scripts) to find the test classpath for verification. Never in Restricted Mode.',
  },
  {
    field: 'symbolConstraint', key: 'testtune.generation.symbolConstraint', type: 'boolean', default: true, scope: 'resource', order: 18,
    description: 'Symbol constraint of the decoding: the model writes only names the project has, as far as TestTune\'s symbol index knows them — after `x.` a member of x\'s type or its supertypes, a call with as many arguments as some overload takes, after `new` a type that can be constructed, a bare name that is a local, field, static import or visible type, no local declared twice; the next-best token is taken instead. Names of types the index does not know are never constrained. Off: the model\'s own names.',
  },
];

export const DEFAULT_SETTINGS: TestTuneSettings = Object.fromEntries(SETTINGS.map((s) => [s.field, s.default])) as unknown as TestTuneSettings;

/** The manifest's `contributes.configuration`, as it must appear in package.json. */
export function configurationContribution(): { title: string; properties: Record<string, Record<string, unknown>> } {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const s of SETTINGS) {
    const p: Record<string, unknown> = { type: s.type, default: s.default, description: s.description, scope: s.scope, order: s.order };
    if (s.type === 'string' && s.enum) {
      p.enum = [...s.enum];
      if (s.enumDescriptions) p.enumDescriptions = [...s.enumDescriptions];
    }
    if (s.type === 'integer') {
      p.minimum = s.minimum;
      p.maximum = s.maximum;
    }
    properties[s.key] = p;
  }
  return { title: 'TestTune', properties };
}

export interface ReadResult {
  value: TestTuneSettings;
  errors: string[]; // one clear line per ignored value
}

/**
 * Reads every setting through `get(fullKey)` (undefined = unset). Values of the wrong type or out of
 * range are replaced by the default and reported; nothing throws.
 */
export function readSettings(get: (key: string) => unknown): ReadResult {
  const out: Record<string, unknown> = {};
  const errors: string[] = [];
  for (const s of SETTINGS) {
    const raw = get(s.key);
    if (raw === undefined || raw === null) {
      out[s.field] = s.default;
      continue;
    }
    const bad = (why: string): void => {
      errors.push(`${s.key}: ${why}; using ${JSON.stringify(s.default)}`);
      out[s.field] = s.default;
    };
    if (s.type === 'string') {
      if (typeof raw !== 'string') bad(`expected a string, got ${JSON.stringify(raw)}`);
      else if (s.enum && !s.enum.includes(raw)) bad(`"${raw}" is not one of ${s.enum.join(', ')}`);
      else out[s.field] = raw.trim();
    } else if (s.type === 'integer') {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) bad(`expected an integer, got ${JSON.stringify(raw)}`);
      else if (raw < s.minimum || raw > s.maximum) bad(`${raw} is outside ${s.minimum}..${s.maximum}`);
      else out[s.field] = raw;
    } else {
      if (typeof raw !== 'boolean') bad(`expected true or false, got ${JSON.stringify(raw)}`);
      else out[s.field] = raw;
    }
  }
  return { value: out as unknown as TestTuneSettings, errors };
}

export function settingKey(field: keyof TestTuneSettings): string {
  const s = SETTINGS.find((x) => x.field === field);
  if (!s) throw new Error(`no setting for ${field}`);
  return s.key;
}
