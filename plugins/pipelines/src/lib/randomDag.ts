import { LayoutGraph } from './lineageLayout';

/** A seeded generator of numbers in [0, 1) (mulberry32), for repeatable runs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random DAG for tests and benchmarks: every node but the first gets one to
 * three parents among the nodes before it (about 1.4 edges per node).
 */
export function randomDag(size: number, seed: number): LayoutGraph {
  const random = seededRandom(seed);
  const nodes = Array.from({ length: size }, (_, i) => `n${i}`);
  const edges: LayoutGraph['edges'] = [];
  for (let i = 1; i < size; i++) {
    const parents = 1 + Number(random() < 0.3) + Number(random() < 0.1);
    for (let p = 0; p < parents; p++) {
      edges.push({ from: nodes[Math.floor(random() * i)], to: nodes[i] });
    }
  }
  return { nodes, edges };
}
