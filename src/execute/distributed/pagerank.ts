/**
 * PageRank on P workers, bit-identical to the single-worker run (src/execute/pagerank.ts).
 *
 * Phases of one iteration on partition p (masters M, local vertices n_p):
 *   scatter   contrib[v] = score[v] / global outdeg(v) for masters; dangling mass into accumulator A
 *   exchange  contrib of masters -> their replicas (dense: one f64 per list element)
 *   --- barrier (also publishes A, and B of the previous iteration: its L1 change) ---
 *   gather    edge-cut (no replica has in-arcs): pull over the local CSC of each master, which holds
 *             all its in-arcs, in global arc order: the same adds as on one worker;
 *             vertex-cut / hybrid: each local target's in-arc sum as exact fixed-point limbs, replica
 *             limbs go back to the master (--- barrier ---), which adds them (integer adds: any
 *             split, any order, same bits) and rounds once
 *   apply     score' = d·(sum + dangling/n) + (1 − d)/n; |score' − score| into accumulator B
 * The convergence test of iteration i is read after the barrier of iteration i + 1, which every
 * iteration has anyway; so an edge-cut iteration costs one barrier.
 */
import type { WasmHost } from '../../memory/host.js';
import type { PlacedPartition } from '../../place/place.js';
import { REDUCTION_ACCUMULATOR_BYTES, type WorkerContext } from './context.js';
import type { Program, Settings } from './program.js';

// phase indices of the description
const SCATTER = 0;
const EXCHANGE = 1;
const GATHER = 2;
const APPLY = 3;
const AGGREGATE = 4;

export const pagerankProgram: Program = {
  description: {
    phases: ['scatter', 'exchange', 'gather', 'apply', 'aggregate'],
    message: 'contribution x/outdeg (f64) to replicas; exact fixed-point partial sums (3 × u64) back to masters',
    combiner: 'sum',
    aggregators: ['dangling mass (exact)', 'L1 change (exact)'],
  },
  needsInArcs: true,
  needsNeurons: false,
  // split sums travel as the kernel's fixed-point rows (fixedsum_row_bytes), else contributions as f64
  sizing: (settings: Settings) => ({ multiplicity: 1, payloadBytes: settings.replicaTargets ? Math.max(8, settings.rowBytes as number) : 8 }),

  allocate(host: WasmHost, part: PlacedPartition, settings: Settings): Record<string, number> {
    const n = part.n;
    return {
      scores: host.allocArray(Float64Array, n),
      contrib: host.allocArray(Float64Array, n),
      limbs: settings.replicaTargets ? host.arena.alloc(Math.max(1, n) * (settings.rowBytes as number), 64) : -1,
      scratch: host.arena.alloc(REDUCTION_ACCUMULATOR_BYTES, 64),
    };
  },

  // resuming needs the masters' scores and the reductions (the L1 change of the iteration before,
  // read after the next barrier: in the reduction slots the checkpoint holds); contributions and
  // partial sums are recomputed every iteration
  state: (part, regions) => [{ name: 'scores', type: 'f64', offset: regions.scores!, length: part.masterCount }],

  *run(context: WorkerContext): Generator<void, Record<string, number | boolean>, void> {
    const k = context.kernels;
    const part = context.part;
    const { scores, contrib, limbs, scratch } = context.regions as Record<string, number>;
    const n = context.settings.n as number;
    const damping = context.settings.damping as number;
    const iterations = context.settings.iterations as number;
    const tolerance = context.settings.tolerance as number;
    const splitSums = context.settings.replicaTargets === true;
    const rowBytes = context.settings.rowBytes as number;
    const masters = part.masterCount;
    const teleport = (1 - damping) / n;
    const resumed = context.resumed;
    if (!resumed) context.view(Float64Array, scores, masters).fill(1 / n);
    let converged = false;
    let done = resumed ? resumed.cursor[1]! : 0;
    for (let iteration = resumed ? resumed.cursor[0]! : 0; ; iteration++) {
      const parity = iteration & 1;
      context.phase(SCATTER);
      const dangling = context.accumulatorA(parity);
      k.exactsum_clear(dangling);
      k.pagerank_scatter(part.degreeOffsets, scores, contrib, 0, masters, dangling);
      k.exactsum_normalize(dangling);
      context.phase(EXCHANGE);
      context.packDense64(contrib, part.push);
      yield* context.sync();
      context.phase(AGGREGATE);
      if (iteration > 0 && context.mergedSum(parity ^ 1, 'B', scratch) < tolerance) {
        converged = true;
        break;
      }
      if (iteration === iterations) break;
      context.phase(EXCHANGE);
      context.unpackDense64(contrib, part.push);
      context.phase(AGGREGATE);
      const danglingShare = context.mergedSum(parity, 'A', scratch) / n;
      const delta = context.accumulatorB(parity);
      k.exactsum_clear(delta);
      context.phase(GATHER);
      if (!splitSums) {
        k.pagerank_pull(part.inOffsets, part.inSources, contrib, scores, scores, 0, masters, damping, danglingShare, teleport, delta);
      } else {
        k.pagerank_partial(part.inOffsets, part.inSources, contrib, 0, part.n, limbs);
        context.phase(EXCHANGE);
        // replicas' partial sums go back to their masters, along the same lists in reverse
        const { receivePeers, sendPeers } = part.pull;
        for (let i = 0; i < receivePeers.length; i++) {
          const [list, length] = context.receiveList(i, part.pull);
          const box = context.outbox(receivePeers[i]!);
          k.fixedsum_gather_rows(limbs, list, length, box.payload);
          context.router.commit(receivePeers[i]!, box, length, rowBytes * length);
        }
        yield* context.sync();
        for (let i = 0; i < sendPeers.length; i++) {
          const [list, length] = context.sendList(i, part.pull);
          k.fixedsum_add_rows(limbs, context.inbox(sendPeers[i]!).payload, list, length);
        }
        context.phase(APPLY);
        k.pagerank_apply(limbs, scores, scores, 0, masters, damping, danglingShare, teleport, delta);
      }
      k.exactsum_normalize(delta);
      done++;
      context.endStep([iteration + 1, done]);
    }
    context.endStep();
    return { iterations: done, converged };
  },
};

