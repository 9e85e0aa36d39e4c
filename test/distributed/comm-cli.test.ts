/**
 * `neuromesh run --comm MODE --transport KIND --hosts GROUPS` (issue 5): the values are the
 * single-worker run's, the statistics carry every mode's figures with the chosen one as the
 * headline, and bad values are one-line usage errors (exit 2).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runAlgorithm } from '../../src/execute/single.js';
import { createHostSync } from '../../src/index.js';
import { loadGraph } from '../../src/input/load.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const karate = join(root, 'examples', 'karate.el');
const dir = mkdtempSync(join(tmpdir(), 'neuromesh-comm-cli-'));
const temp = (file: string): string => join(dir, file);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

describe('run --comm / --transport / --hosts', () => {
  it('same values on every mode and transport; stats report the chosen mode and all three', async () => {
    const reference = runAlgorithm(loadGraph(createHostSync(), karate), 'pagerank', { iterations: 30 });
    const naive: number[] = [];
    for (const [comm, transport] of [
      ['naive', 'shared'],
      ['batched', 'frames'],
      ['optimized', 'frames'],
      ['optimized', 'ports'],
    ] as const) {
      const out = temp(`${comm}-${transport}.json`);
      const stats = temp(`${comm}-${transport}.stats.json`);
      const outcome = await cli('run', karate, '--algo', 'pagerank', '--iterations', '30', '--workers', '4', '--comm', comm, '--transport', transport, '--hosts', '0,1/2,3', '--out', out, '--stats', stats);
      expect(outcome.stderr).toBe('');
      expect(outcome.code).toBe(0);
      const values = (JSON.parse(readFileSync(out, 'utf8')) as { values: number[] }).values;
      expect(values).toEqual(Array.from(reference.values));
      const report = JSON.parse(readFileSync(stats, 'utf8')) as { bytes: number; messages: number; communication: { mode: string; totals: Record<string, { bytes: number; messages: number }>; topology: { transport: string; routing: string } } };
      expect(report.communication.mode).toBe(comm);
      expect(report.communication.topology.transport).toBe(transport);
      expect(report.communication.topology.routing).toBe('hierarchical');
      expect(report.bytes).toBe(report.communication.totals[comm]!.bytes);
      expect(report.messages).toBe(report.communication.totals[comm]!.messages);
      naive.push(report.communication.totals.naive!.bytes);
    }
    // the naive count does not depend on the transport or the mode: it is the run's cut arcs
    expect(new Set(naive).size).toBe(1);
  }, 60_000);

  it('refuses unknown modes, transports and host groups (exit 2, one line)', async () => {
    for (const [flags, pattern] of [
      [['--comm', 'telepathy'], /--comm must be one of naive, batched, optimized/],
      [['--transport', 'pigeon'], /--transport must be one of shared, frames, ports/],
      [['--hosts', '0,1/2,9'], /--hosts/],
      [['--hosts', '0,1/1,2,3'], /hosts/],
    ] as const) {
      const outcome = await cli('run', karate, '--algo', 'bfs', '--workers', '4', ...flags);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(outcome.stderr).toMatch(pattern);
    }
  }, 60_000);
});
