// Webview script of the fine-tune panel: draws the loss curve and the adapter-vs-base comparison from
// the messages src/extension/fine-tune-panel.ts posts. No external resources (the CSP forbids them).
// @ts-check
(function () {
  const vscode = acquireVsCodeApi();
  /** @type {{ train: {step:number, loss:number}[], val: {step:number, loss:number}[], info: Record<string,string>, comparison: any, status: string, error: boolean }} */
  const state = vscode.getState() || { train: [], val: [], info: {}, comparison: null, status: '', error: false };
  const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const NS = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function drawCurve() {
    const svg = $('curve');
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    const W = 720, H = 260, L = 48, R = 10, T = 10, B = 28;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    const pts = state.train.concat(state.val);
    $('points').textContent = String(state.train.length);
    // a legend entry only for a series that has points (no "validation" without a validation line)
    $('legend-train').hidden = state.train.length === 0;
    $('legend-val').hidden = state.val.length === 0;
    if (pts.length === 0) {
      svg.appendChild(el('text', { x: W / 2 - 60, y: H / 2 }, 'no loss values yet'));
      return;
    }
    const maxStep = Math.max(1, ...pts.map((p) => p.step));
    const minStep = Math.min(...pts.map((p) => p.step));
    let lo = Math.min(...pts.map((p) => p.loss)), hi = Math.max(...pts.map((p) => p.loss));
    if (hi - lo < 1e-9) { hi += 0.5; lo -= 0.5; }
    const x = (s) => L + ((s - minStep) / Math.max(1, maxStep - minStep)) * (W - L - R);
    const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
    svg.appendChild(el('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }));
    svg.appendChild(el('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }));
    for (const v of [lo, (lo + hi) / 2, hi]) svg.appendChild(el('text', { x: 4, y: y(v) + 3 }, v.toFixed(3)));
    svg.appendChild(el('text', { x: L, y: H - 8 }, `step ${minStep}`));
    svg.appendChild(el('text', { x: W - R - 60, y: H - 8 }, `step ${maxStep}`));
    const path = (series, cls) => {
      if (series.length === 0) return;
      const d = series.map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p.loss).toFixed(1)}`).join(' ');
      svg.appendChild(el('path', { class: cls, d }));
    };
    path(state.train, 'train');
    path(state.val, 'val');
  }

  function drawInfo() {
    const dl = $('info');
    dl.innerHTML = '';
    for (const [k, v] of Object.entries(state.info)) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      dl.append(dt, dd);
    }
    const s = $('status');
    s.textContent = state.status;
    s.className = state.error ? 'error' : '';
  }

  /** Bars per execution measure (0–1), base and adapter side by side: the gate's figures at a glance. */
  function drawChart(chart) {
    const W = 720, rowH = 36, L = 250, R = 70, top = 22;
    const svg = el('svg', { viewBox: `0 0 ${W} ${top + chart.length * rowH}`, class: 'gate-chart', role: 'img' });
    svg.appendChild(el('rect', { x: L, y: 4, width: 10, height: 10, class: 'bar-base' }));
    svg.appendChild(el('text', { x: L + 14, y: 13 }, 'base model'));
    svg.appendChild(el('rect', { x: L + 110, y: 4, width: 10, height: 10, class: 'bar-adapter' }));
    svg.appendChild(el('text', { x: L + 124, y: 13 }, 'adapter'));
    chart.forEach((c, i) => {
      const y = top + i * rowH;
      svg.appendChild(el('text', { x: 0, y: y + 16 }, c.label));
      [['base', 0], ['adapter', 1]].forEach(([side, k]) => {
        const v = Math.max(0, Math.min(1, Number(c[side]) || 0));
        const w = (W - L - R) * v;
        svg.appendChild(el('rect', { x: L, y: y + k * 13, width: w, height: 11, class: `bar-${side}` }));
        svg.appendChild(el('text', { x: L + w + 4, y: y + k * 13 + 9 }, `${(100 * v).toFixed(1)}%`));
      });
    });
    return svg;
  }

  function drawComparison() {
    const box = $('comparison');
    const c = state.comparison;
    if (!c) {
      box.textContent = 'Evaluation runs when training finishes.';
      return;
    }
    const table = document.createElement('table');
    const head = table.insertRow();
    for (const h of ['metric', 'base model', c.adapterName || 'adapter']) {
      const th = document.createElement('th');
      th.textContent = h;
      head.appendChild(th);
    }
    for (const row of c.rows) {
      const tr = table.insertRow();
      tr.insertCell().textContent = row.label;
      const b = tr.insertCell();
      b.textContent = row.base;
      const a = tr.insertCell();
      a.textContent = row.adapter;
      if (row.better === 'adapter') a.className = 'better';
      if (row.better === 'base') b.className = 'better';
    }
    box.innerHTML = '';
    if (Array.isArray(c.chart) && c.chart.length) box.appendChild(drawChart(c.chart));
    box.appendChild(table);
    if (c.note) {
      const p = document.createElement('p');
      p.textContent = c.note;
      box.appendChild(p);
    }
  }

  function render() {
    drawInfo();
    drawCurve();
    drawComparison();
    vscode.setState(state);
  }

  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'reset') {
      state.train = []; state.val = []; state.info = {}; state.comparison = null; state.status = ''; state.error = false;
    } else if (m.type === 'loss') {
      (m.split === 'val' ? state.val : state.train).push({ step: m.step, loss: m.loss });
    } else if (m.type === 'info') {
      // a null value removes the row (the time left once training is over)
      for (const [k, v] of Object.entries(m.info)) {
        if (v === null) delete state.info[k];
        else state.info[k] = v;
      }
    } else if (m.type === 'status') {
      state.status = m.text; state.error = !!m.error;
    } else if (m.type === 'comparison') {
      state.comparison = m.comparison;
    }
    render();
  });
  render();
  vscode.postMessage({ type: 'ready' });
})();
