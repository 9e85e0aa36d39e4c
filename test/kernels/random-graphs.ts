/**
 * Random arc lists for the property tests: every shape the kernels must survive. Sizes stay small
 * (the oracles are plain TypeScript), and the mix is drawn per case from the seed.
 */
import type { Random } from '../helpers/random.js';

export type WeightKind = 'unit' | 'integer' | 'real';

export interface RandomArcs {
  n: number;
  src: number[];
  dst: number[];
  weights?: number[];
  kind: WeightKind;
  /** a short description for failure messages */
  label: string;
}

/**
 * One random graph. Shapes, chosen at random: empty (n = 0), one vertex, sparse with isolated
 * and dangling vertices, dense with parallel arcs, a few disconnected clusters; self-loops and
 * parallel arcs appear by chance everywhere; arcs come in shuffled (not source) order half the
 * time, so CSR order differs from input order.
 */
export function randomArcs(random: Random, kind: WeightKind = random.pick(['unit', 'integer', 'real'] as const)): RandomArcs {
  const shape = random.pick(['empty', 'single', 'sparse', 'dense', 'clusters', 'star'] as const);
  const n = shape === 'empty' ? 0 : shape === 'single' ? 1 : random.int(2, 40);
  const src: number[] = [];
  const dst: number[] = [];
  const arc = (u: number, v: number): void => {
    src.push(u);
    dst.push(v);
  };
  if (n > 0) {
    if (shape === 'clusters') {
      const clusters = random.int(2, 4);
      const m = random.int(0, 3 * n);
      for (let i = 0; i < m; i++) {
        const c = random.int(0, clusters - 1);
        const members = Array.from({ length: n }, (_, v) => v).filter((v) => v % clusters === c);
        if (members.length > 0) arc(random.pick(members), random.pick(members));
      }
    } else if (shape === 'star') {
      const hub = random.int(0, n - 1);
      for (let v = 0; v < n; v++) if (random.chance(0.7)) random.chance(0.5) ? arc(hub, v) : arc(v, hub);
    } else {
      const m = shape === 'single' ? random.int(0, 3) : shape === 'dense' ? random.int(n, 5 * n) : random.int(0, n);
      for (let i = 0; i < m; i++) {
        const u = random.int(0, n - 1);
        const roll = random.float();
        const v = roll < 0.1 ? u : random.int(0, n - 1); // self-loops on purpose
        arc(u, v);
        if (random.chance(0.1)) arc(u, v); // parallel arcs on purpose
      }
    }
  }
  if (random.chance(0.5)) {
    // shuffle the arcs' input order
    const order = random.shuffle(src.map((_, i) => i));
    const s = order.map((i) => src[i]!);
    const d = order.map((i) => dst[i]!);
    src.splice(0, src.length, ...s);
    dst.splice(0, dst.length, ...d);
  }
  let weights: number[] | undefined;
  if (kind === 'integer') weights = src.map(() => random.int(0, 20));
  if (kind === 'real') weights = src.map(() => (random.chance(0.1) ? 0 : random.float() * random.pick([1e-3, 1, 1e6])));
  return { n, src, dst, weights, kind, label: `${shape} n=${n} m=${src.length} ${kind}` };
}
