/**
 * The work the browser test runs twice: in headless Chromium through `dist/index.browser.js`, and
 * in Node through `src/index.ts`. It imports nothing at run time (the library comes in as an
 * argument, so the same code runs on either entry) and returns plain JSON, so that the two runs
 * can be compared bit for bit: every result array travels as the hex of its bytes, besides its
 * values for a readable diff. The test's server hands this file to the page transpiled to
 * JavaScript (test/browser/server.ts).
 */
import type * as BrowserEntry from '../../src/index.browser.js';

/** The part of the library the workload uses; both entries provide it. */
export type Neuromesh = Pick<typeof BrowserEntry, 'createHost' | 'parseGraphBytes' | 'buildGraph' | 'runAlgorithm' | 'generateCuba' | 'rasterSha256'>;

export interface ArrayRecord {
  type: string;
  length: number;
  /** the array's bytes in memory order (little-endian on every host WebAssembly runs on) */
  hex: string;
  values: number[];
}

export interface RunRecord {
  supersteps: number;
  /** pagerank only; null for the others */
  converged: boolean | null;
  values: ArrayRecord;
}

export interface WorkloadResult {
  karate: { n: number; m: number; pagerank: RunRecord; bfs: RunRecord; sssp: RunRecord; wcc: RunRecord };
  lif: { n: number; m: number; run: RunRecord; spikes: number; synapticEvents: number; rasterSha256: string };
}

/** CUBA network size and run length: spiking from step one, a fraction of a second to run. */
export const LIF_NEURONS = 500;
export const LIF_STEPS = 500;
export const LIF_SEED = 1;

export function arrayRecord(array: Float64Array | Int32Array | Uint32Array): ArrayRecord {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return { type: array.constructor.name, length: array.length, hex, values: Array.from(array) };
}

export async function runWorkload(neuromesh: Neuromesh, karateBytes: Uint8Array): Promise<WorkloadResult> {
  const host = await neuromesh.createHost({ initialBytes: 16 << 20 });
  const karate = neuromesh.parseGraphBytes(host, karateBytes, { name: 'karate.el' });
  const run = (name: 'pagerank' | 'bfs' | 'sssp' | 'wcc'): RunRecord => {
    const result = neuromesh.runAlgorithm(karate, name, {});
    return { supersteps: result.supersteps, converged: result.converged ?? null, values: arrayRecord(result.values) };
  };

  const cuba = neuromesh.buildGraph(host, neuromesh.generateCuba({ n: LIF_NEURONS, seed: LIF_SEED }), { inArcs: false });
  const lif = neuromesh.runAlgorithm(cuba, 'lif', { steps: LIF_STEPS, seed: LIF_SEED, recordSpikes: true });
  return {
    karate: { n: karate.n, m: karate.m, pagerank: run('pagerank'), bfs: run('bfs'), sssp: run('sssp'), wcc: run('wcc') },
    lif: {
      n: cuba.n,
      m: cuba.m,
      run: { supersteps: lif.supersteps, converged: null, values: arrayRecord(lif.values) },
      spikes: lif.spikes?.neurons.length ?? -1,
      synapticEvents: lif.synapticEvents ?? -1,
      rasterSha256: await neuromesh.rasterSha256(lif, cuba.n, lif.supersteps),
    },
  };
}
