import cliProgress from 'cli-progress';

/** Counts work done towards a total, visibly. */
export interface Progress {
  increment(by?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr (`label`, count, rate, elapsed and remaining time) on a terminal; on a pipe (a log file,
 * CI), one line per 10 % instead, so a long load visibly moves either way.
 */
export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `  ${label} {bar} {value}/{total} | {rate}/s | {duration_formatted} | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 200 },
      cliProgress.Presets.shades_classic,
    );
    let done = 0;
    const rate = () => String(Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)));
    bar.start(total, 0, { rate: '0' });
    return {
      increment(by = 1) {
        done += by;
        bar.increment(by, { rate: rate() });
      },
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let lastDecile = 0;
  return {
    increment(by = 1) {
      done += by;
      const decile = Math.floor((done / Math.max(1, total)) * 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      const seconds = (Date.now() - started) / 1000;
      stream.write(`  ${label}: ${done}/${total} (${Math.round(done / Math.max(0.001, seconds))}/s, ${seconds.toFixed(0)} s)\n`);
    },
    stop: () => {},
  };
}
