/** The distributed programs, by algorithm name (one file per algorithm beside this one). */
import type { AlgorithmName } from '../types.js';
import { bfsProgram } from './bfs.js';
import { lifProgram } from './lif.js';
import { pagerankProgram } from './pagerank.js';
import type { Program } from './program.js';
import { ssspProgram } from './sssp.js';
import { wccProgram } from './wcc.js';

export const PROGRAMS: Readonly<Record<AlgorithmName, Program>> = {
  pagerank: pagerankProgram,
  bfs: bfsProgram,
  sssp: ssspProgram,
  wcc: wccProgram,
  lif: lifProgram,
};
