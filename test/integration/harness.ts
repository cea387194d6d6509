// A real VS Code for the integration tests: code-server (VS Code 1.139 served to a browser) driven by
// Debian's Chromium through playwright-core. Installs the packaged .vsix into a fresh extensions dir,
// opens a workspace folder, and offers the steps a person takes: the command palette, quick open,
// right-click menus, code lenses, quick picks, screenshots. The extension writes a JSON-lines trace
// (TESTTUNE_EVENTS_FILE, see src/extension/events.ts) that the tests read to check what happened.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
export const OUTPUT = path.join(ROOT, 'test-output', 'integration');
const TOOLS = process.env.TESTTUNE_TOOLS ?? path.join(ROOT, '.cache', 'tools');
export const CODE_SERVER = path.join(TOOLS, 'code-server.sh');
/** How long a UI element may take to appear (the machines running this are shared and slow). */
export const UI_TIMEOUT = Number(process.env.TESTTUNE_UI_TIMEOUT ?? 60_000);
export const CHROMIUM = process.env.TESTTUNE_CHROMIUM ?? '/usr/bin/chromium';

export interface VSCodeOptions {
  workspace: string; // folder to open
  vsix: string; // packaged extension
  settings?: Record<string, unknown>; // user settings, on top of the test defaults
  env?: Record<string, string>;
  name: string; // screenshot prefix
}

const FAILURES: Record<string, string> = { testWritten: 'generateFailed', fineTuneDone: 'fineTuneFailed' };

export interface ExtEvent {
  t: string;
  type: string;
  [k: string]: unknown;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== null && (v as unknown) !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export class VSCode {
  page!: Page;
  private browser!: Browser;
  private server!: ChildProcess;
  private serverLog = '';
  readonly dir: string;
  readonly eventsFile: string;
  private shot = 0;

  private constructor(readonly opts: VSCodeOptions) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'testtune-vscode-'));
    this.eventsFile = path.join(this.dir, 'events.jsonl');
  }

  static async launch(opts: VSCodeOptions): Promise<VSCode> {
    const v = new VSCode(opts);
    try {
      await v.start();
    } catch (e) {
      await v.close();
      throw e;
    }
    return v;
  }

  get userDataDir(): string {
    return path.join(this.dir, 'user-data');
  }

  get extensionsDir(): string {
    return path.join(this.dir, 'extensions');
  }

  /**
   * Closes the browser and code-server and starts them again on the same user data, extensions and
   * workspace: what a user sees after restarting the editor.
   */
  async restart(): Promise<void> {
    await this.stop();
    await this.start(false);
  }

  private async start(firstStart = true): Promise<void> {
    if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed (${CODE_SERVER}); run scripts/ci/install-code-server.sh`);
    if (firstStart) await this.install();
    await this.serve();
  }

  /** The user settings and the packaged extension, written once per user data folder. */
  private async install(): Promise<void> {
    mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    mkdirSync(this.extensionsDir, { recursive: true });
    mkdirSync(OUTPUT, { recursive: true });
    const settings = {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'update.mode': 'none',
      'editor.codeLens': true,
      'window.restoreWindows': 'none',
      'files.autoSave': 'off',
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      ...this.opts.settings,
    };
    writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));

    const common = ['--extensions-dir', this.extensionsDir, '--user-data-dir', this.userDataDir];
    const t0 = Date.now();
    const inst = spawnSync(CODE_SERVER, [...common, '--install-extension', this.opts.vsix], { encoding: 'utf8', timeout: 120_000 });
    if (inst.status !== 0) throw new Error(`installing ${this.opts.vsix} failed (${inst.status}): ${inst.stdout}\n${inst.stderr}`);
    log(`installed ${path.basename(this.opts.vsix)} in ${Date.now() - t0} ms`);
  }

  private async serve(): Promise<void> {
    const common = ['--extensions-dir', this.extensionsDir, '--user-data-dir', this.userDataDir];
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, TESTTUNE_EVENTS_FILE: this.eventsFile, ...this.opts.env };
    delete env.ELECTRON_RUN_AS_NODE;
    this.server = spawn(
      CODE_SERVER,
      ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ...common, this.opts.workspace],
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const logStart = this.serverLog.length; // after a restart, the earlier server's lines do not count
    const onData = (b: Buffer) => {
      this.serverLog += b.toString();
    };
    this.server.stdout!.on('data', onData);
    this.server.stderr!.on('data', onData);
    await waitFor('code-server to listen', () => (this.server.exitCode !== null ? Promise.reject(new Error(`code-server exited: ${this.serverLog}`)) : /HTTP server listening/.test(this.serverLog.slice(logStart)) || undefined), 60_000);

    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const ctx = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    this.page = await ctx.newPage();
    const t1 = Date.now();
    await this.page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(this.opts.workspace)}`, { waitUntil: 'domcontentloaded', timeout: 180_000 });
    await this.page.waitForSelector('.monaco-workbench', { timeout: 180_000 });
    await this.page.waitForSelector('.statusbar', { timeout: 60_000 });
    log(`workbench rendered in ${Date.now() - t1} ms`);
  }

  /** The extension's trace so far. */
  events(): ExtEvent[] {
    if (!existsSync(this.eventsFile)) return [];
    return readFileSync(this.eventsFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as ExtEvent);
  }

  /** Waits for the extension's trace to show `type` after the first `after` events; a failure event of
   *  the same flow (generateFailed, fineTuneFailed) ends the wait early with its message. */
  async waitForEvent(type: string, pred: (e: ExtEvent) => boolean = () => true, timeoutMs = 60_000, after = 0): Promise<ExtEvent> {
    const failure = FAILURES[type];
    return waitFor(`event ${type}`, () => {
      const evs = this.events().slice(after);
      const hit = evs.find((e) => e.type === type && pred(e));
      if (hit) return hit;
      const bad = failure ? evs.find((e) => e.type === failure) : undefined;
      if (bad) throw new Error(`${failure}: ${String(bad.message)}`);
      return undefined;
    }, timeoutMs);
  }

  async screenshot(step: string): Promise<string> {
    const file = path.join(OUTPUT, `${this.opts.name}-${String(++this.shot).padStart(2, '0')}-${step}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** F1, type the command's title, Enter. */
  async runCommand(title: string): Promise<void> {
    await this.openPalette('>' + title);
    try {
      await this.page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: UI_TIMEOUT });
    } catch (e) {
      await this.screenshot('palette-missing-command');
      throw e;
    }
    await this.page.keyboard.press('Enter');
  }

  async paletteHas(title: string): Promise<boolean> {
    await this.openPalette('>' + title);
    const found = await this.page
      .waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: UI_TIMEOUT })
      .then(() => true)
      .catch(() => false);
    await this.page.keyboard.press('Escape');
    return found;
  }

  private async openPalette(text: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await input.fill(text);
  }

  /** Ctrl+P, type a file name, pick its row: opens it in an editor; waits until it is the active
   *  editor. Retries: the list can re-render between finding the row and the click. */
  async openFile(relPath: string): Promise<void> {
    const base = path.basename(relPath);
    const active = this.page.locator(`.tab.active[aria-label*="${base}"]`);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('Control+P');
        const input = this.page.locator('.quick-input-widget input.input');
        await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
        await input.fill(relPath);
        const row = this.page.locator(`.quick-input-list .monaco-list-row[aria-label*="${base}"]`);
        await row.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
        await sleep(300);
        await row.first().click();
        await active.first().waitFor({ state: 'visible', timeout: attempt < 3 ? 15_000 : UI_TIMEOUT });
        await this.page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: UI_TIMEOUT });
        return;
      } catch (e) {
        if (attempt >= 3) {
          await this.screenshot(`open-${base}-failed`);
          throw e;
        }
        log(`opening ${base}: attempt ${attempt} did not make it the active editor; again`);
      }
    }
  }

  /** Ctrl+G to a 1-based line, so the cursor is inside the method there. */
  async goToLine(line: number): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
  }

  /** Right-click at the cursor's line in the active editor and pick a menu entry. */
  async contextMenu(entry: string): Promise<void> {
    const cursor = this.page.locator('.editor-instance .monaco-editor .cursor').first();
    const box = await cursor.boundingBox();
    if (!box) throw new Error('no cursor in the active editor');
    await this.page.mouse.click(box.x + 2, box.y + box.height / 2, { button: 'right' });
    const item = this.page.locator(`.context-view .monaco-menu .action-item:has(.action-label:text-is("${entry}"))`);
    await item.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    await this.screenshot('context-menu');
    await item.first().click();
  }

  /** Picks the quick-pick row whose label is `label` (icons and descriptions aside). */
  async pickQuickItem(label: string): Promise<void> {
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    const index = await waitFor(`a quick-pick row "${label}"`, async () => {
      const n = await rows.count();
      for (let i = 0; i < n; i++) {
        const first = await rows.nth(i).locator('.label-name').first().innerText().catch(() => '');
        if (first.trim() === label) return i + 1; // 1-based so that 0 is never "not found"
      }
      return undefined;
    }, UI_TIMEOUT);
    await rows.nth(index - 1).click();
  }

  async quickPickLabels(): Promise<string[]> {
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    const out: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).locator('.label-name').first().innerText()).trim());
    return out;
  }

  statusItem(): ReturnType<Page['locator']> {
    return this.page.locator('.statusbar-item[id="testtune.testtune.status"], .statusbar-item[id$="testtune.status"]');
  }

  /** Text of the notifications currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-list-item-message').allInnerTexts();
  }

  get serverOutput(): string {
    return this.serverLog;
  }

  async close(): Promise<void> {
    await this.stop();
    writeFileSync(path.join(OUTPUT, `${this.opts.name}-code-server.log`), this.serverLog);
    if (existsSync(this.eventsFile)) writeFileSync(path.join(OUTPUT, `${this.opts.name}-events.jsonl`), readFileSync(this.eventsFile));
    if (!process.env.TESTTUNE_KEEP_TMP) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Closes the browser and stops code-server (and its extension host), keeping every folder. */
  private async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    if (this.server && this.server.exitCode === null && this.server.pid) {
      try {
        process.kill(-this.server.pid, 'SIGTERM'); // its process group: code-server and its extension host
      } catch {
        // already gone
      }
      await waitFor('code-server to exit', () => this.server.exitCode !== null || this.server.signalCode !== null || undefined, 10_000).catch(() => {
        if (this.server.pid) process.kill(-this.server.pid, 'SIGKILL');
      });
    }
  }
}

export function log(msg: string): void {
  process.stderr.write(`      [integration] ${msg}\n`);
}

/** The packaged extension built by scripts/integration.mjs (or `npm run package`). */
export function vsixPath(): string {
  const p = process.env.TESTTUNE_VSIX;
  if (!p || !existsSync(p)) throw new Error('TESTTUNE_VSIX must name the packaged .vsix; run the suite with `npm run test:integration`');
  return p;
}

/** Copies a fixture project to a fresh temp folder (tests edit it). */
export function copyProject(src: string): string {
  const dest = mkdtempSync(path.join(os.tmpdir(), 'testtune-ws-'));
  spawnSync('cp', ['-a', src + '/.', dest]);
  return dest;
}
