#!/usr/bin/env python3
"""Trusted reference results for every real graph in test/fixtures/data.

For each `test/fixtures/data/*.el` / `*.el.gz` this writes `test/fixtures/reference/<graph>.json.gz`
with, per vertex (ids as in the file, which are dense and 0-based; `# n:` gives n):

  bfs       levels from vertex 0, -1 unreachable      networkx single_source_shortest_path_length
  sssp      distances from vertex 0, -1 unreachable   networkx single_source_dijkstra_path_length
  wcc       smallest vertex id of the component       networkx weakly_connected_components
  pagerank  float64 scores                             our own power iteration (below), numpy/scipy

The graph is read as a networkx MultiDiGraph: every line is a directed arc, parallel arcs kept,
weight = third column. networkx's own `pagerank` uses a different convention (it normalises
weights, handles dangling vertices through a personalisation vector and stops on a
per-vertex-scaled tolerance), so PageRank is computed here with exactly DESIGN.md's convention:

  d = 0.85, x0 = 1/n, x' = d * (sum over in-arcs u->v of x[u]/outdeg[u] + dangling/n) + (1-d)/n,
  dangling = sum of x over vertices with out-degree 0, unweighted, parallel arcs counted,
  stop after the first iteration whose L1 change is < 1e-12, or after 100 iterations.

Floats are written with Python's repr (the shortest string that round-trips), so JSON.parse in
the test recovers the exact float64 values. The gzip files carry mtime 0, so rerunning the script
on the same inputs gives the same bytes.

Usage: python3 scripts/reference.py [graph-name ...]   (default: every graph)
Requires: python3, networkx >= 3, numpy, scipy. The tests read the outputs and need no Python.
"""
import gzip
import hashlib
import io
import json
import math
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import scipy
import scipy.sparse as sparse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / 'test' / 'fixtures' / 'data'
OUT = ROOT / 'test' / 'fixtures' / 'reference'

DAMPING = 0.85
TOLERANCE = 1e-12
MAX_ITERATIONS = 100
SOURCE = 0


def read_edge_list(path):
    """Return (n, src, dst, weight) arrays; n from the `# n:` header, else largest id + 1."""
    raw = path.read_bytes()
    if path.suffix == '.gz':
        raw = gzip.decompress(raw)
    declared_n = None
    body = []
    for line in io.StringIO(raw.decode('utf-8')):
        if line.startswith('#'):
            key, _, value = line[1:].partition(':')
            if key.strip() == 'n':
                declared_n = int(value)
            continue
        if line.strip():
            body.append(line)
    table = np.loadtxt(body, dtype=np.int64, ndmin=2) if body else np.zeros((0, 3), dtype=np.int64)
    src, dst = table[:, 0], table[:, 1]
    weight = table[:, 2] if table.shape[1] > 2 else np.ones(len(src), dtype=np.int64)
    n = declared_n if declared_n is not None else (int(max(src.max(), dst.max())) + 1 if len(src) else 0)
    return n, src, dst, weight, hashlib.sha256(raw).hexdigest()


def pagerank(n, src, dst):
    """Power iteration with DESIGN.md's convention, float64; returns (scores, iterations, converged)."""
    if n == 0:
        return np.zeros(0), 0, True
    out_degree = np.bincount(src, minlength=n).astype(np.float64)
    # Row v of `incoming` holds one entry per in-arc u->v (duplicates summed: parallel arcs count).
    incoming = sparse.csr_matrix((np.ones(len(src)), (dst, src)), shape=(n, n))
    dangling = out_degree == 0
    safe_degree = np.where(dangling, 1.0, out_degree)
    x = np.full(n, 1.0 / n)
    iterations = 0
    converged = False
    while iterations < MAX_ITERATIONS:
        share = np.where(dangling, 0.0, x / safe_degree)
        # math.fsum: the dangling mass exactly rounded, like the order-independent sum DESIGN.md asks for.
        dangling_mass = math.fsum(x[dangling])
        nxt = DAMPING * (incoming @ share + dangling_mass / n) + (1.0 - DAMPING) / n
        change = math.fsum(np.abs(nxt - x))
        x = nxt
        iterations += 1
        if change < TOLERANCE:
            converged = True
            break
    return x, iterations, converged


def reference(path):
    name = path.name.split('.')[0]
    started = time.time()
    n, src, dst, weight, digest = read_edge_list(path)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), weight.tolist()))

    bfs = [-1] * n
    sssp = [-1] * n
    if n > SOURCE:
        for v, level in nx.single_source_shortest_path_length(graph, SOURCE).items():
            bfs[v] = level
        for v, distance in nx.single_source_dijkstra_path_length(graph, SOURCE, weight='weight').items():
            sssp[v] = distance
    wcc = [-1] * n
    for component in nx.weakly_connected_components(graph):
        label = min(component)
        for v in component:
            wcc[v] = label
    scores, iterations, converged = pagerank(n, src, dst)

    record = {
        'graph': name,
        'file': path.name,
        'sha256': digest,
        'n': n,
        'm': int(len(src)),
        'source': SOURCE,
        'generator': f'scripts/reference.py: networkx {nx.__version__}, numpy {np.__version__}, scipy {scipy.__version__}',
        'pagerankConvention': {'damping': DAMPING, 'tolerance': TOLERANCE, 'maxIterations': MAX_ITERATIONS},
        'pagerankIterations': iterations,
        'pagerankConverged': converged,
        'bfs': bfs,
        'sssp': sssp,
        'wcc': wcc,
        'pagerank': [float(value) for value in scores],
    }
    text = json.dumps(record, separators=(',', ':')).encode('utf-8')
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f'{name}.json.gz'
    with open(target, 'wb') as handle:
        with gzip.GzipFile(filename='', mode='wb', fileobj=handle, mtime=0, compresslevel=9) as zipped:
            zipped.write(text)
    reached = sum(1 for level in bfs if level >= 0)
    components = len(set(wcc))
    print(f'{name}: n={n} m={len(src)} bfs-reached={reached} components={components} '
          f'pagerank-iterations={iterations} converged={converged} '
          f'-> {target.relative_to(ROOT)} ({target.stat().st_size} B, {time.time() - started:.1f} s)')


def main():
    wanted = set(sys.argv[1:])
    files = sorted(p for p in DATA.iterdir() if p.name.endswith('.el') or p.name.endswith('.el.gz'))
    for path in files:
        if not wanted or path.name.split('.')[0] in wanted:
            reference(path)


if __name__ == '__main__':
    main()
