// A private apt setup (sources.list, lists, cache, status) under a cache directory, so that
// `apt-get update` and `apt-get source --download-only` never touch the machine's own apt state.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
const DEFAULT_SECURITY_MIRROR = 'http://deb.debian.org/debian-security';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export interface AptRunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Reads the mirror URL from the machine's deb822 or one-line sources, without changing them. */
export function systemMirror(etc = '/etc/apt'): string {
  const files: string[] = [];
  const main = path.join(etc, 'sources.list');
  if (fs.existsSync(main)) files.push(main);
  const parts = path.join(etc, 'sources.list.d');
  if (fs.existsSync(parts)) {
    for (const f of fs.readdirSync(parts)) if (f.endsWith('.sources') || f.endsWith('.list')) files.push(path.join(parts, f));
  }
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:^URIs:\s*|^deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?)(\S+)/gm)) {
      const url = m[1].replace(/\/$/, '');
      if (/\/debian$/.test(url)) return url;
    }
  }
  return DEFAULT_MIRROR;
}

export class PrivateApt {
  readonly root: string;
  constructor(cacheDir: string, readonly mirror = systemMirror(), readonly securityMirror = DEFAULT_SECURITY_MIRROR) {
    this.root = path.join(path.resolve(cacheDir), 'apt');
  }

  get sourcesList(): string {
    return path.join(this.root, 'sources.list');
  }

  /** Creates the private directories and sources.list (deb-src for bookworm, -updates, -security). */
  prepare(): void {
    for (const d of ['sources.list.d', 'lists/partial', 'cache/archives/partial', 'state']) {
      fs.mkdirSync(path.join(this.root, d), { recursive: true });
    }
    const opt = `[signed-by=${KEYRING}]`;
    const lines = [
      `deb-src ${opt} ${this.mirror} bookworm main`,
      `deb-src ${opt} ${this.mirror} bookworm-updates main`,
      `deb-src ${opt} ${this.securityMirror} bookworm-security main`,
    ];
    fs.writeFileSync(this.sourcesList, lines.join('\n') + '\n');
    const status = path.join(this.root, 'state', 'status');
    if (!fs.existsSync(status)) fs.writeFileSync(status, '');
  }

  /** The `-o` options that point apt at the private state only. */
  options(): string[] {
    const r = this.root;
    return [
      `-o`, `Dir::Etc::SourceList=${this.sourcesList}`,
      `-o`, `Dir::Etc::SourceParts=${path.join(r, 'sources.list.d')}`,
      `-o`, `Dir::State::Lists=${path.join(r, 'lists')}`,
      `-o`, `Dir::Cache=${path.join(r, 'cache')}`,
      `-o`, `Dir::State::status=${path.join(r, 'state', 'status')}`,
      `-o`, `APT::Sandbox::User=root`,
      `-o`, `Acquire::Retries=2`,
    ];
  }

  /** True when the private index lists exist and are younger than `maxAgeMs`. */
  listsFresh(maxAgeMs = 24 * 3600 * 1000): boolean {
    const dir = path.join(this.root, 'lists');
    if (!fs.existsSync(dir)) return false;
    const lists = fs.readdirSync(dir).filter((f) => f.includes('_source_Sources'));
    if (lists.length === 0) return false;
    return lists.every((f) => Date.now() - fs.statSync(path.join(dir, f)).mtimeMs < maxAgeMs);
  }

  update(): Promise<AptRunResult> {
    return run('apt-get', [...this.options(), '-q', 'update'], this.root);
  }

  /** Downloads `name=version` source files (.dsc, tarballs) into `dir`. */
  source(name: string, version: string | undefined, dir: string): Promise<AptRunResult> {
    const spec = version ? `${name}=${version}` : name;
    return run('apt-get', [...this.options(), '-q', 'source', '--download-only', spec], dir);
  }
}

export function run(cmd: string, args: string[], cwd: string, timeoutMs = 30 * 60 * 1000): Promise<AptRunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child;
    try {
      child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    } catch (e) {
      resolve({ code: -1, stdout, stderr: String(e) });
      return;
    }
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(e) });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
