// Time left of a training run, from the step times measured in this run: the first steps (session
// warm-up, ORT's first runs) are not counted, so the figure appears after them and follows the real
// pace; before that the panel says it is measuring. The guess made before the run (fine-tune-plan.ts,
// from FLOPs when no run was measured yet) can be far off, so it is never shown as the time left.
// No `vscode` import.
import { formatDuration } from './fine-tune-plan';

export class StepTimer {
  private seen = 0;
  private base?: { step: number; ms: number }; // the end of the warm-up
  private last?: { step: number; ms: number };

  /** `warmupSteps`: progress lines not counted (the first optimizer steps of this process). */
  constructor(private readonly warmupSteps = 2) {}

  /** One progress line: optimizer step `step` finished at `nowMs`. */
  record(step: number, nowMs: number): void {
    this.seen++;
    if (this.seen === this.warmupSteps) this.base = { step, ms: nowMs };
    else if (this.seen > this.warmupSteps) this.last = { step, ms: nowMs };
  }

  /** Seconds per optimizer step after the warm-up; undefined until a step after it was measured. */
  secondsPerStep(): number | undefined {
    if (!this.base || !this.last || this.last.step <= this.base.step) return undefined;
    return (this.last.ms - this.base.ms) / 1000 / (this.last.step - this.base.step);
  }

  /** Seconds left until `totalSteps`; undefined while measuring. */
  secondsLeft(totalSteps: number): number | undefined {
    const per = this.secondsPerStep();
    if (per === undefined || !this.last) return undefined;
    return per * Math.max(0, totalSteps - this.last.step);
  }

  /** "about 3 min left" or "measuring the first steps…". */
  describe(totalSteps: number): string {
    const left = this.secondsLeft(totalSteps);
    return left === undefined ? 'measuring the first steps…' : `about ${formatDuration(left)} left`;
  }
}
