// Reports of an evaluation: a Markdown table shaped like the study's Table IV (one row per tuning
// method: trainable parameters, syntactic validity, CodeBLEU, compile, pass, instruction and
// branch coverage) and an SVG bar chart comparing methods. Missing figures print as "–".

export interface MethodResult {
  method: string; // "base", "lora", "ia3", "prompt-tuning", "full" or any label
  trainableParams?: number;
  totalParams?: number;
  syntax?: number; // fractions in [0, 1]
  codebleu?: number;
  compile?: number;
  pass?: number;
  instruction?: number;
  branch?: number;
}

const LABELS: Record<string, string> = {
  base: 'Base model',
  'pre-training': 'Base model',
  none: 'Base model',
  lora: 'LoRA',
  ia3: '(IA)³',
  'prompt-tuning': 'Prompt tuning',
  prompt_tuning: 'Prompt tuning',
  full: 'Full fine-tuning',
  'full_fine-tuning': 'Full fine-tuning',
  'full-fine-tuning': 'Full fine-tuning',
};
const ORDER = ['Base model', 'LoRA', '(IA)³', 'Prompt tuning', 'Full fine-tuning'];

export function methodLabel(method: string): string {
  return LABELS[method.toLowerCase()] ?? method;
}

function pct(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`;
}

function num(x: number | undefined, digits = 4): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

export function humanCount(n: number | undefined): string {
  if (n === undefined) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

function params(r: MethodResult): string {
  if (r.trainableParams === undefined) return '–';
  const share = r.totalParams ? ` (${String(Number(((100 * r.trainableParams) / r.totalParams).toPrecision(2)))}%)` : '';
  return humanCount(r.trainableParams) + share;
}

function sorted(rows: readonly MethodResult[]): MethodResult[] {
  const rank = (r: MethodResult) => {
    const i = ORDER.indexOf(methodLabel(r.method));
    return i < 0 ? ORDER.length : i;
  };
  return [...rows].sort((a, b) => rank(a) - rank(b));
}

/** Markdown table shaped like the study's Table IV. */
export function tableIV(rows: readonly MethodResult[]): string {
  const head = ['Method', 'Trainable params', 'Syntactic validity', 'CodeBLEU', 'Compile', 'Pass', 'Instr. coverage', 'Branch coverage'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of sorted(rows)) {
    const cells = [methodLabel(r.method), params(r), pct(r.syntax), num(r.codebleu), pct(r.compile), pct(r.pass), pct(r.instruction), pct(r.branch)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

const METRICS: { key: keyof MethodResult; label: string }[] = [
  { key: 'syntax', label: 'Syntactic validity' },
  { key: 'codebleu', label: 'CodeBLEU' },
  { key: 'compile', label: 'Compile' },
  { key: 'pass', label: 'Pass' },
  { key: 'instruction', label: 'Instr. cov.' },
  { key: 'branch', label: 'Branch cov.' },
];
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Grouped bar chart (metrics on the x axis, one bar per method), values in [0, 1]. */
export function svgChart(rows: readonly MethodResult[], title = 'TestTune evaluation'): string {
  const data = sorted(rows);
  const metrics = METRICS.filter((m) => data.some((r) => typeof r[m.key] === 'number'));
  const W = 120 + metrics.length * (data.length * 18 + 30);
  const H = 320;
  const top = 40;
  const plotH = 200;
  const left = 50;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const y = top + plotH - (t / 4) * plotH;
    out.push(`<line x1="${left}" y1="${y}" x2="${W - 10}" y2="${y}" stroke="#ddd"/>`, `<text x="${left - 6}" y="${y + 4}" text-anchor="end">${(t * 25).toString()}%</text>`);
  }
  metrics.forEach((m, mi) => {
    const gx = left + 15 + mi * (data.length * 18 + 30);
    data.forEach((r, ri) => {
      const v = r[m.key];
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      const h = Math.max(0, Math.min(1, v)) * plotH;
      const x = gx + ri * 18;
      out.push(`<rect x="${x}" y="${(top + plotH - h).toFixed(1)}" width="16" height="${h.toFixed(1)}" fill="${COLORS[ri % COLORS.length]}"><title>${esc(methodLabel(r.method))}: ${esc(m.label)} ${(100 * v).toFixed(1)}%</title></rect>`);
    });
    out.push(`<text x="${gx + (data.length * 18) / 2}" y="${top + plotH + 16}" text-anchor="middle">${esc(m.label)}</text>`);
  });
  data.forEach((r, ri) => {
    const x = left + ri * 130;
    out.push(`<rect x="${x}" y="${H - 40}" width="12" height="12" fill="${COLORS[ri % COLORS.length]}"/>`, `<text x="${x + 16}" y="${H - 30}">${esc(methodLabel(r.method))}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
