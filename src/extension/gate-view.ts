// How the fine-tune panel and the final question show the gate's verdict (src/finetune/gate.ts): the
// execution rows of the comparison table, and the offer to switch the adapter on — recommended only
// when the adapter is better at writing passing tests that execute the focal method; otherwise the
// adapter stays off unless the user overrides. Plain TS (no `vscode`), unit-tested.
import type { GateVerdict } from '../finetune/gate';
import type { ChartBar, ComparisonRow } from './fine-tune-panel';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** The comparison rows the gate decides by, first: compiles, passes, passes + executes focal, coverage. */
export function gateRows(v: GateVerdict): ComparisonRow[] {
  const better = (b: number, a: number): ComparisonRow['better'] => (a > b ? 'adapter' : b > a ? 'base' : undefined);
  const row = (label: string, key: 'compiles' | 'passes' | 'passesCallingFocal' | 'focalLineCoverage'): ComparisonRow => ({
    label,
    base: pct(v.base[key]),
    adapter: pct(v.adapter[key]),
    better: better(v.base[key], v.adapter[key]),
  });
  return [
    row('Compiles (held-out methods)', 'compiles'),
    row('Passes', 'passes'),
    row('Passes and executes the focal method', 'passesCallingFocal'),
    row('Mean focal line coverage', 'focalLineCoverage'),
    {
      label: `Difference, points (95% interval)`,
      base: '',
      adapter: `${points(v.difference)} [${points(v.interval.low)}, ${points(v.interval.high)}]`,
    },
    { label: 'Held-out focal methods', base: String(v.base.n), adapter: String(v.adapter.n) },
  ];
}

/** The chart's bars: the four execution measures, base and adapter. */
export function gateChart(v: GateVerdict): ChartBar[] {
  const bar = (label: string, key: 'compiles' | 'passes' | 'passesCallingFocal' | 'focalLineCoverage'): ChartBar => ({ label, base: v.base[key], adapter: v.adapter[key] });
  return [bar('Compiles', 'compiles'), bar('Passes', 'passes'), bar('Passes + executes focal method', 'passesCallingFocal'), bar('Focal line coverage', 'focalLineCoverage')];
}

export interface GateOffer {
  message: string;
  /** Buttons, the recommended one first; `use` is the label that switches the adapter on. */
  buttons: string[];
  use: string;
  recommended: 'adapter' | 'base';
}

/** The question after fine-tuning; `why` says why there is no verdict (untrusted workspace, no build). */
export function gateOffer(adapterName: string, v: GateVerdict | undefined, why?: string): GateOffer {
  if (!v) {
    return {
      message: `adapter ${adapterName} is ready, but it was not judged by running tests (${why ?? 'no verdict'}). Use it for this workspace?`,
      buttons: ['Use adapter', 'Not now'],
      use: 'Use adapter',
      recommended: 'base',
    };
  }
  const figures = `passing tests that execute the method for ${pct(v.adapter.passesCallingFocal)} of ${v.adapter.n} held-out methods vs ${pct(v.base.passesCallingFocal)} with the base model`;
  if (v.better)
    return {
      message: `adapter ${adapterName} is better: ${figures}${v.confident ? '' : ' (within chance on this few methods)'}. Use it for this workspace?`,
      buttons: ['Use adapter', 'Keep base model'],
      use: 'Use adapter',
      recommended: 'adapter',
    };
  return {
    message: `adapter ${adapterName} is not better than the base model: ${figures}, so it stays off.`,
    buttons: ['Keep base model', 'Use adapter anyway'],
    use: 'Use adapter anyway',
    recommended: 'base',
  };
}
