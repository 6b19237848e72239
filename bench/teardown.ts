/**
 * What a benchmark must undo, run last-in first-out exactly once: at the end, on an error, or on SIGINT/SIGTERM
 * (then the process exits 130/143 after cleaning up). A failing step is reported and the next one still runs.
 */
export class Teardown {
  private readonly steps: { name: string; run: () => Promise<unknown> }[] = [];
  private running: Promise<void> | undefined;
  /** Set once a signal arrived: whatever is still measuring must not report. */
  interrupted = false;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.interrupted = true;
    console.error(`\n${signal}: tearing down`);
    void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };

  constructor(private readonly log: (line: string) => void = console.error) {
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (err) {
          this.log(`teardown: ${step.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      process.off('SIGINT', this.onSignal);
      process.off('SIGTERM', this.onSignal);
    })();
    return this.running;
  }
}
