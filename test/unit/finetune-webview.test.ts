// The fine-tune panel's webview script (media/finetune.js) run against a minimal DOM: the loss legend
// names only the series that have points, and an info row posted as null disappears.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

class FakeElement {
  hidden = false;
  textContent = '';
  className = '';
  children: FakeElement[] = [];
  attributes: Record<string, string> = {};
  constructor(readonly tag: string) {}
  set innerHTML(_html: string) {
    this.children = [];
  }
  get firstChild(): FakeElement | undefined {
    return this.children[0];
  }
  removeChild(c: FakeElement): void {
    this.children = this.children.filter((x) => x !== c);
  }
  appendChild(c: FakeElement): FakeElement {
    this.children.push(c);
    return c;
  }
  append(...cs: FakeElement[]): void {
    this.children.push(...cs);
  }
  setAttribute(k: string, v: string): void {
    this.attributes[k] = v;
  }
  insertRow(): FakeElement {
    return this.appendChild(new FakeElement('tr'));
  }
  insertCell(): FakeElement {
    return this.appendChild(new FakeElement('td'));
  }
}

function loadPanel(): { post: (m: unknown) => void; el: (id: string) => FakeElement } {
  const ids = ['status', 'info', 'legend-train', 'legend-val', 'points', 'curve', 'comparison'];
  const byId = new Map(ids.map((id) => [id, new FakeElement(id)]));
  byId.get('legend-train')!.hidden = true;
  byId.get('legend-val')!.hidden = true;
  let listener: ((ev: { data: unknown }) => void) | undefined;
  const context = {
    acquireVsCodeApi: () => ({ getState: () => undefined, setState: () => undefined, postMessage: () => undefined }),
    document: {
      getElementById: (id: string) => byId.get(id),
      createElement: (tag: string) => new FakeElement(tag),
      createElementNS: (_ns: string, tag: string) => new FakeElement(tag),
    },
    window: { addEventListener: (_type: string, l: (ev: { data: unknown }) => void) => (listener = l) },
  };
  vm.runInNewContext(readFileSync(path.join(__dirname, '..', '..', 'media', 'finetune.js'), 'utf8'), context);
  return { post: (m) => listener!({ data: m }), el: (id) => byId.get(id)! };
}

describe('fine-tune panel webview', () => {
  it('shows a legend entry only for a series with points', () => {
    const p = loadPanel();
    assert.equal(p.el('legend-train').hidden, true, 'no points yet: no legend');
    assert.equal(p.el('legend-val').hidden, true);
    p.post({ type: 'loss', split: 'train', step: 1, loss: 2.5 });
    p.post({ type: 'loss', split: 'train', step: 2, loss: 2.1 });
    assert.equal(p.el('legend-train').hidden, false);
    assert.equal(p.el('legend-val').hidden, true, 'no validation points: no "validation" entry');
    assert.equal(p.el('curve').children.filter((c) => c.attributes.class === 'val').length, 0);
    p.post({ type: 'loss', split: 'val', step: 2, loss: 2.3 });
    assert.equal(p.el('legend-val').hidden, false);
    p.post({ type: 'reset' });
    assert.equal(p.el('legend-train').hidden, true);
  });

  it('replaces info rows, and removes one posted as null (the time left once training is over)', () => {
    const p = loadPanel();
    const rows = (): string[] => p.el('info').children.map((c) => c.textContent);
    p.post({ type: 'info', info: { Method: 'LoRA', 'Time left': 'measuring the first steps…' } });
    assert.deepEqual(rows(), ['Method', 'LoRA', 'Time left', 'measuring the first steps…']);
    p.post({ type: 'info', info: { 'Time left': 'about 3 min left' } });
    assert.deepEqual(rows(), ['Method', 'LoRA', 'Time left', 'about 3 min left']);
    p.post({ type: 'info', info: { 'Time left': null, 'Training time': '3 min' } });
    assert.deepEqual(rows(), ['Method', 'LoRA', 'Training time', '3 min']);
  });

  it('draws the gate chart (base and adapter bars per execution measure) above the comparison table', () => {
    const p = loadPanel();
    const chart = [
      { label: 'Compiles', base: 0.5, adapter: 0.75 },
      { label: 'Passes + executes focal method', base: 0.25, adapter: 0 },
    ];
    p.post({ type: 'comparison', comparison: { adapterName: 'a1', rows: [{ label: 'Passes', base: '25.0%', adapter: '0.0%', better: 'base' }], chart } });
    const [svg, table] = p.el('comparison').children;
    assert.equal(svg.attributes.class, 'gate-chart');
    assert.equal(table.tag, 'table');
    const bars = svg.children.filter((c) => c.tag === 'rect' && Number(c.attributes.y) > 10);
    assert.deepEqual(bars.map((b) => b.attributes.class), ['bar-base', 'bar-adapter', 'bar-base', 'bar-adapter']);
    const widths = bars.map((b) => Number(b.attributes.width));
    assert.ok(Math.abs(widths[1] / widths[0] - 1.5) < 1e-9 && widths[3] === 0, widths.join(','));
    assert.ok(svg.children.some((c) => c.tag === 'text' && c.textContent === '75.0%'));
    p.post({ type: 'comparison', comparison: { adapterName: 'a1', rows: [] } });
    assert.deepEqual(p.el('comparison').children.map((c) => c.tag), ['table'], 'no verdict: no chart');
  });
});
