/**
 * Runs one benchmark stage in this process and prints its headlines as JSON on stdout:
 *   node --import tsx bench/stage.ts <pagerank|lif|load> [--quick]
 * bench/run.ts starts one such process per stage, so that no stage runs on a heap (or a shared
 * memory) that an earlier stage left large: a stage's figures do not depend on which ran before.
 */
import type { StageOptions, StageResult } from './common.js';

export const STAGES: Record<string, () => Promise<{ run(options: StageOptions): Promise<StageResult> }>> = {
  pagerank: () => import('./pagerank.js'),
  lif: () => import('./lif.js'),
  load: () => import('./load.js'),
  partition: () => import('./partition.js'),
  replication: () => import('./replication.js'),
  select: () => import('./select.js'),
  scale: () => import('./scale.js'),
  distributed: () => import('./distributed.js'),
  comm: () => import('./comm.js'),
  protect: () => import('./protect.js'),
};

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || !(name in STAGES) || rest.some((arg) => arg !== '--quick')) {
  process.stderr.write(`usage: bench/stage.ts <${Object.keys(STAGES).join('|')}> [--quick]\n`);
  process.exit(2);
}
const stage = await STAGES[name]!();
const result = await stage.run({ quick: rest.includes('--quick') });
process.stdout.write(JSON.stringify(result) + '\n');
