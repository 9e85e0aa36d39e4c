/**
 * Progress bars on stderr, only when stderr is a terminal: stdout stays machine-readable and
 * redirected or piped stderr stays free of control characters.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** a callback with the (done, total) shape of the loaders' and runs' onProgress */
  update: (done: number, total: number) => void;
  stop(): void;
}

const SILENT: Progress = { update: () => {}, stop: () => {} };

export function progressBar(label: string, enabled: boolean): Progress {
  if (!enabled) return SILENT;
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {eta_formatted} left`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(Math.max(total, 1), 0);
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
