/**
 * `npm run bench`: every benchmark stage in turn, then the headline numbers.
 *
 *   node --import tsx bench/run.ts [--quick] [pagerank] [lif] [load] [partition] [replication] [select] [scale]
 *
 * `scale` (R-MAT scale 22, several minutes) runs only when named.
 *
 * Each stage saves bench/results/<stage>.json (bench/results/<stage>.quick.json with --quick),
 * holding the machine (CPU model and count, Node version, date), the figures and the ratios.
 * The full run takes a few minutes on a 2-core machine; --quick is a smoke run of a few seconds.
 * Stages run one after another, each in a fresh process (bench/stage.ts), on one thread: each
 * figure is a one-core figure.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { machine, save, si, type Headline, type StageOptions, type StageResult } from './common.js';

/** The stages, in the order they run; each runs in its own process (bench/stage.ts). */
const STAGES = ['pagerank', 'lif', 'load', 'partition', 'replication', 'select', 'distributed', 'comm', 'protect'] as const;
/** Stages run only when named (`npm run bench -- scale`): too long for the default run. */
const OPT_IN_STAGES = ['scale'] as const;
const STAGE_SCRIPT = fileURLToPath(new URL('./stage.ts', import.meta.url));

/** Run a stage in a fresh Node process: its logs go to our stderr, its headlines come back as JSON. */
function runStage(name: string, options: StageOptions): StageResult {
  const output = execFileSync(process.execPath, ['--import', 'tsx', STAGE_SCRIPT, name, ...(options.quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 << 20,
  });
  return JSON.parse(output.trim().split('\n').pop()!) as StageResult;
}

function format(headline: Headline): string {
  const value = headline.unit === '×' || headline.unit.startsWith('B/') ? headline.value.toFixed(2) : `${si(headline.value)}`;
  const goal = headline.goal ? `  (goal ${headline.goal}: ${headline.met ? 'met' : 'NOT met'})` : '';
  return `  ${headline.label.padEnd(66)} ${value} ${headline.unit}${goal}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const known: readonly string[] = [...STAGES, ...OPT_IN_STAGES];
  const unknown = args.filter((arg) => arg !== '--quick' && !known.includes(arg));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown argument ${unknown.join(' ')} (known: --quick ${known.join(' ')})\n`);
    process.exit(2);
  }
  const options: StageOptions = { quick: args.includes('--quick') };
  const defaults = args.every((arg) => arg === '--quick');
  const selected = known.filter((name) => (defaults && (STAGES as readonly string[]).includes(name)) || args.includes(name));
  const started = performance.now();
  const results: StageResult[] = [];
  const failures: { stage: string; error: string }[] = [];
  for (const name of selected) {
    try {
      results.push(runStage(name, options));
    } catch (error) {
      // One broken stage must not hide the others' figures.
      const text = error instanceof Error ? error.message : String(error);
      failures.push({ stage: name, error: text });
      process.stderr.write(`bench: stage ${name} failed: ${text}\n`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const info = machine();
  const lines = [
    `neuromesh benchmarks${options.quick ? ' (--quick)' : ''}: ${info.cpuModel as string} x ${info.cpuCount as number}, Node ${info.node as string}, ${seconds.toFixed(0)} s`,
    ...results.flatMap((result) => result.headlines.map(format)),
    ...failures.map((failure) => `  stage ${failure.stage} FAILED (see above)`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  save('summary', options, { seconds, stages: results, failures });
  if (failures.length > 0) process.exitCode = 1;
}

await main();
