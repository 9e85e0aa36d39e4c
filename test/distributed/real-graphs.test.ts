/**
 * The bit-identity matrix on every real graph of the fixtures (copied from ../shared/data): five
 * algorithms, three strategies as the partitioner makes them (partitionGraphForAlgorithm), worker
 * counts from 2 to 8 (each graph and strategy gets P = 2 and one more count from a rotation, so the
 * matrix covers every P). LIF runs on the graph's topology with seeded integer weights and delays,
 * so that neurons do spike.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildGraph,
  createHostSync,
  DistributedProcessingSystem,
  loadGraph,
  partitionGraphForAlgorithm,
  rasterSha256,
  runAlgorithm,
  type AlgorithmName,
  type NeuromorphicGraph,
} from '../../src/index.js';
import { Random } from '../helpers/random.js';

const DATA = join(import.meta.dirname, '..', 'fixtures', 'data');
const GRAPHS = readdirSync(DATA)
  .filter((name) => name.endsWith('.el') || name.endsWith('.el.gz'))
  .sort();

// one pool for every worker count of the file: threads start once
const system = new DistributedProcessingSystem({ minimumThreads: 8 });
afterAll(() => system.close());
const host = createHostSync({ initialBytes: 256 << 20 });

const bytesOf = (values: Float64Array | Int32Array): Buffer => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

/**
 * The same arcs with seeded weights in [-4000, 12000] and delays in [1, 5], and a noise drive
 * (per-neuron amplitudes, some thresholds lowered) so that neurons do spike.
 */
function asNetwork(graph: NeuromorphicGraph, seed: number): NeuromorphicGraph {
  const random = new Random(seed);
  const offsets = graph.outOffsets;
  const targets = graph.outTargets;
  const src = new Uint32Array(graph.m);
  const weights = new Int32Array(graph.m);
  const delays = new Uint8Array(graph.m);
  for (let u = 0; u < graph.n; u++) {
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      src[a] = u;
      weights[a] = random.int(-4000, 12000);
      delays[a] = random.int(1, 5);
    }
  }
  const noise = Int32Array.from({ length: graph.n }, () => random.int(0, 9000));
  const vth = Int32Array.from({ length: graph.n }, () => random.int(8000, 20000));
  return buildGraph(host, { n: graph.n, src, dst: targets.slice(), weights, delays, neurons: { noise, vth } }, { inArcs: false });
}

describe('distributed = single worker on the real graphs', () => {
  GRAPHS.forEach((name, g) => {
    it(`${name}: 5 algorithms x 3 strategies x 2 worker counts`, async () => {
      const mark = host.arena.mark();
      try {
        const graph = loadGraph(host, join(DATA, name));
        const network = asNetwork(graph, 7 + g);
        const steps = 60;
        const lifOptions = { steps, seed: 11, recordSpikes: true };
        const reference: Record<AlgorithmName, ReturnType<typeof runAlgorithm>> = {
          pagerank: runAlgorithm(graph, 'pagerank', { iterations: 20 }),
          bfs: runAlgorithm(graph, 'bfs', { source: graph.toInputId(0) }),
          sssp: runAlgorithm(graph, 'sssp', { source: graph.toInputId(0) }),
          wcc: runAlgorithm(graph, 'wcc'),
          lif: runAlgorithm(network, 'lif', lifOptions),
        };
        const lifRaster = await rasterSha256(reference.lif, network.n, steps);
        expect(reference.lif.spikes!.steps.length, 'the network spikes').toBeGreaterThan(0);
        const strategies = ['edge-cut', 'vertex-cut', 'hybrid'] as const;
        for (const [s, strategy] of strategies.entries()) {
          for (const workers of [2, 3 + ((g * 3 + s) % 6)]) {
            const partition = partitionGraphForAlgorithm(graph, 'pagerank', workers, { strategy, seed: 1 });
            for (const algorithm of ['pagerank', 'bfs', 'sssp', 'wcc'] as const) {
              const options = algorithm === 'pagerank' ? { iterations: 20 } : algorithm === 'wcc' ? {} : { source: graph.toInputId(0) };
              const result = await system.executeDistributedAlgorithmOnPlan(graph, partition.plan, algorithm, options);
              expect(bytesOf(result.values).equals(bytesOf(reference[algorithm].values)), `${algorithm} ${strategy} P=${workers}`).toBe(true);
            }
            // the network has the graph's arcs in the same CSR order: the same plan fits it
            const lif = await system.executeDistributedAlgorithmOnPlan(network, partition.plan, 'lif', lifOptions);
            expect(bytesOf(lif.values).equals(bytesOf(reference.lif.values)), `lif ${strategy} P=${workers}`).toBe(true);
            expect(await rasterSha256(lif, network.n, steps), `lif raster ${strategy} P=${workers}`).toBe(lifRaster);
          }
        }
      } finally {
        host.arena.release(mark);
      }
    }, 240_000);
  });
});
