/**
 * `neuromesh generate rmat|er|brunel|cuba ... --out FILE`: write a seeded network as an edge list
 * (`.el`, `.el.gz`; plus `<base>.neurons.tsv` for the spiking networks) or as a snapshot (`.nmg`,
 * which carries the neuron parameters itself). Same options and seed, same bytes.
 */
import { OptionsError } from '../errors.js';
import { generateBrunel } from '../generate/brunel.js';
import { generateCuba } from '../generate/cuba.js';
import { generateErdosRenyi } from '../generate/er.js';
import { generateRmat, type GeneratedWeights } from '../generate/rmat.js';
import { AtomicFileWriter, writeEdgeList, writeNeuronTable } from '../generate/write.js';
import { buildGraph, type ArcArrays } from '../input/graph.js';
import { saveGraphSnapshot } from '../input/snapshot.js';
import type { WasmHost } from '../memory/host.js';
import { choiceOption, integerOption, numberOption, seedOption } from './parse.js';
import type { CliIo } from './run.js';

export const GENERATORS = ['rmat', 'er', 'brunel', 'cuba'] as const;
export type GeneratorName = (typeof GENERATORS)[number];

export interface GenerateFlags {
  out: string;
  debug?: boolean;
  seed?: string;
  scale?: string;
  edgeFactor?: string;
  a?: string;
  b?: string;
  c?: string;
  permute?: boolean;
  weights?: string;
  n?: string;
  p?: string;
  m?: string;
  ne?: string;
  ni?: string;
  epsilon?: string;
  g?: string;
  j?: string;
  delay?: string;
  eta?: string;
  noise?: string;
}

/** Which flags each generator understands; others are refused so a typo cannot pass unnoticed. */
const FLAGS_OF: Record<GeneratorName, (keyof GenerateFlags)[]> = {
  rmat: ['scale', 'edgeFactor', 'a', 'b', 'c', 'permute', 'weights'],
  er: ['n', 'p', 'm', 'weights'],
  brunel: ['scale', 'ne', 'ni', 'epsilon', 'g', 'j', 'delay', 'eta'],
  cuba: ['n', 'p', 'delay', 'noise'],
};

const FLAG_NAMES: Record<string, string> = { edgeFactor: '--edge-factor', permute: '--no-permute' };
const flagName = (key: string) => FLAG_NAMES[key] ?? `--${key}`;

type OutputKind = 'el' | 'nmg';

function outputKind(path: string): OutputKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.nmg')) return 'nmg';
  if (lower.endsWith('.el') || lower.endsWith('.el.gz')) return 'el';
  throw new OptionsError('--out', 'must end in .el, .el.gz or .nmg', path);
}

/** `net.el` / `net.el.gz` -> `net.neurons.tsv`. */
export function neuronTablePath(path: string): string {
  return path.replace(/\.el(\.gz)?$/i, '') + '.neurons.tsv';
}

function generate(kind: GeneratorName, flags: GenerateFlags, seed: bigint): ArcArrays {
  const optional = <T>(text: string | undefined, parse: (text: string) => T): T | undefined => (text === undefined ? undefined : parse(text));
  const weights = optional(flags.weights, (t) => choiceOption<GeneratedWeights>('--weights', t, ['unit', 'int', 'real']));
  switch (kind) {
    case 'rmat':
      if (flags.scale === undefined) throw new OptionsError('--scale', 'is required for rmat (n = 2^scale)');
      return generateRmat({
        scale: integerOption('--scale', flags.scale, 0, 30),
        edgeFactor: optional(flags.edgeFactor, (t) => integerOption('--edge-factor', t, 0)),
        a: optional(flags.a, (t) => numberOption('--a', t, 0, 1)),
        b: optional(flags.b, (t) => numberOption('--b', t, 0, 1)),
        c: optional(flags.c, (t) => numberOption('--c', t, 0, 1)),
        permute: flags.permute !== false,
        weights,
        seed,
      });
    case 'er': {
      if (flags.n === undefined) throw new OptionsError('--n', 'is required for er');
      const n = integerOption('--n', flags.n, 0, 0x7fff_ffff);
      if ((flags.p === undefined) === (flags.m === undefined)) throw new OptionsError('--p / --m', 'exactly one must be given for er: G(n, p) or G(n, m)');
      return flags.p !== undefined
        ? generateErdosRenyi({ n, p: numberOption('--p', flags.p, 0, 1), weights }, seed)
        : generateErdosRenyi({ n, m: integerOption('--m', flags.m!, 0), weights }, seed);
    }
    case 'brunel':
      return generateBrunel({
        scale: optional(flags.scale, (t) => numberOption('--scale', t, Number.MIN_VALUE)),
        ne: optional(flags.ne, (t) => integerOption('--ne', t, 1)),
        ni: optional(flags.ni, (t) => integerOption('--ni', t, 1)),
        epsilon: optional(flags.epsilon, (t) => numberOption('--epsilon', t, 0, 1)),
        g: optional(flags.g, (t) => numberOption('--g', t, 0)),
        j: optional(flags.j, (t) => integerOption('--j', t, 1)),
        delay: optional(flags.delay, (t) => integerOption('--delay', t, 1, 65535)),
        eta: optional(flags.eta, (t) => numberOption('--eta', t, 0)),
        seed,
      });
    case 'cuba':
      return generateCuba({
        n: optional(flags.n, (t) => integerOption('--n', t, 1)),
        p: optional(flags.p, (t) => numberOption('--p', t, 0, 1)),
        delay: optional(flags.delay, (t) => integerOption('--delay', t, 1, 65535)),
        noise: optional(flags.noise, (t) => integerOption('--noise', t, 0)),
        seed,
      });
  }
}

export function generateCommand(host: WasmHost, kindText: string, flags: GenerateFlags, io: CliIo): void {
  const kind = choiceOption('generator', kindText, GENERATORS);
  for (const key of Object.keys(flags) as (keyof GenerateFlags)[]) {
    if (key === 'out' || key === 'seed' || key === 'debug' || flags[key] === undefined) continue;
    if (key === 'permute' && flags.permute !== false) continue;
    if (!FLAGS_OF[kind].includes(key)) throw new OptionsError(flagName(key), `does not apply to generate ${kind} (it takes ${FLAGS_OF[kind].map(flagName).join(', ')}, --seed)`);
  }
  const kindOfOutput = outputKind(flags.out);
  const seed = seedOption('--seed', flags.seed ?? '0');
  const arcs = generate(kind, flags, seed);
  const m = arcs.src.length;
  const written = [flags.out];
  if (kindOfOutput === 'nmg') {
    const graph = buildGraph(host, { ...arcs, name: arcs.name }, { trusted: true });
    writeAtomically(flags.out, saveGraphSnapshot(graph));
  } else {
    writeEdgeList(flags.out, arcs, { name: arcs.name, header: { generator: kind, seed: String(seed) } });
    if (arcs.neurons) {
      const table = neuronTablePath(flags.out);
      writeNeuronTable(table, arcs.neurons, arcs.n);
      written.push(table);
    }
  }
  io.stdout(`wrote ${written.join(' and ')}: ${kind}, n ${arcs.n}, m ${m}, seed ${seed}\n`);
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const writer = new AtomicFileWriter(path);
  writer.writeRaw(bytes);
  writer.commit();
}
