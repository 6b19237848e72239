import cliProgress from 'cli-progress';
import type { BuildProgress } from '../../e2e/binaries/go-builder.js';

/**
 * Renders Go build progress: a bar on a terminal, and on a pipe (CI logs) one line per phase change and every
 * 10 % of packages, so a long cold build visibly moves either way.
 */
export function buildProgressReporter(stream: NodeJS.WriteStream = process.stderr): { onProgress: (p: BuildProgress) => void; stop: () => void } {
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  if (stream.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      onProgress(p) {
        if (p.phase === 'resolving') {
          bar?.stop();
          stream.write(`building ${p.binaries.join(', ')} (Go module ${p.module}); resolving packages…\n`);
          bar = new cliProgress.SingleBar(
            { stream, format: '  {bar} {value}/{total} packages | {phase} | {duration_formatted}', hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(1, 0, { phase: 'resolving' });
          return;
        }
        bar?.setTotal(Math.max(1, p.total));
        bar?.update(p.compiled, { phase: p.phase });
        if (p.phase === 'done') {
          bar?.stop();
          bar = undefined;
        }
      },
      stop: () => bar?.stop(),
    };
  }
  let lastDecile = -1;
  let lastPhase = '';
  return {
    onProgress(p) {
      const decile = p.total > 0 ? Math.floor((p.compiled / p.total) * 10) : 0;
      if (p.phase === lastPhase && decile === lastDecile) return;
      lastPhase = p.phase;
      lastDecile = decile;
      const counts = p.total > 0 ? ` ${p.compiled}/${p.total} packages` : '';
      stream.write(`[${elapsed()}] ${p.binaries.join(', ')}: ${p.phase}${counts}\n`);
    },
    stop: () => {},
  };
}
