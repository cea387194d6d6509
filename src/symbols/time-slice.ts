// Cooperative time slicing for the symbol index's long reads (the JDK's API, large jars, thousands of
// sources) on a thread that also serves the editor: `pause()` gives the event loop back once the current
// slice has run `sliceMs`, so timers, requests and a generation asking for a scope get their turn.
export class TimeSlice {
  private start = performance.now();
  constructor(private readonly sliceMs = 10) {}

  async pause(): Promise<void> {
    if (performance.now() - this.start < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.start = performance.now();
  }
}
