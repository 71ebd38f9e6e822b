/*
 * Benchmark of the in-memory lineage graph on a synthetic, deterministic
 * graph of 50k pipelines, 100k datasets and 200k edges.
 *
 *   node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/lineage.bench.ts
 */
import { LineageEdge, LineageGraph } from '../src/lineage/LineageGraph';

const PIPELINES = 50_000;
const DATASETS = 100_000;
const EDGES = 200_000;
const NODES = PIPELINES + DATASETS;

/** Teams/domains: most lineage stays inside one. */
const DOMAINS = 40;
/** Dataset tiers 0 (raw) .. TIERS; pipelines of tier t read tier t, write t + 1. */
const TIERS = 24;
const RAW_DATASETS = 20_000;
/** Readers of the hub datasets (dimension tables, calendars, FX rates...). */
const HUB_READERS = [8000, 6000, 4500, 3500, 2800, 2200, 1800, 1400, 1100, 900];
const TASK_DEPENDENCIES = 10_000;
const FEEDBACK_EDGES = 300;
const READ_WRITE_SAME = 200;

const RANDOM_ROOTS = 1000;
const WARMUP_ROOTS = 200;
const HUBS = 10;
const HUB_REPEATS = 10;
const QUERY = { direction: 'both', depth: 20, limit: 100 } as const;

/** Seeded PRNG (mulberry32). */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]) => items[int(items.length)];
  return { next, int, pick };
}

export interface SyntheticGraph {
  from: Int32Array;
  to: Int32Array;
  /** Node key of node number n: pipelines are 0.., datasets PIPELINES... */
  key(n: number): string;
  /** Same as key(n), but decoded from bytes like a database row's string. */
  decodeKey(n: number): string;
  hubs: number[];
}

/**
 * Lineage shaped like a warehouse: tiers (raw -> staging -> ... -> marts) so
 * that it is mostly acyclic with long chains, grouped in domains with some
 * cross-domain reads, a few hub datasets read by thousands of pipelines, task
 * dependencies between pipelines, and some cycles (pipelines writing back to
 * an earlier tier, pipelines reading and writing the same dataset).
 */
export function generateGraph(seed: number): SyntheticGraph {
  const random = createRandom(seed);

  const datasetTier = new Int32Array(DATASETS);
  const datasetDomain = new Int32Array(DATASETS);
  const pipelineTier = new Int32Array(PIPELINES);
  const pipelineDomain = new Int32Array(PIPELINES);
  // cells[tier * DOMAINS + domain] = node numbers
  const datasetCells: number[][] = Array.from(
    { length: (TIERS + 1) * DOMAINS },
    () => [],
  );
  const pipelineCells: number[][] = Array.from(
    { length: TIERS * DOMAINS },
    () => [],
  );
  const pipelinesByTier: number[][] = Array.from({ length: TIERS }, () => []);
  const datasetsByTier: number[][] = Array.from(
    { length: TIERS + 1 },
    () => [],
  );

  for (let i = 0; i < DATASETS; i++) {
    const tier =
      i < RAW_DATASETS
        ? 0
        : 1 +
          Math.floor(((i - RAW_DATASETS) * TIERS) / (DATASETS - RAW_DATASETS));
    const domain = random.int(DOMAINS);
    datasetTier[i] = tier;
    datasetDomain[i] = domain;
    datasetCells[tier * DOMAINS + domain].push(PIPELINES + i);
    datasetsByTier[tier].push(PIPELINES + i);
  }
  for (let i = 0; i < PIPELINES; i++) {
    const tier = Math.floor((i * TIERS) / PIPELINES);
    const domain = random.int(DOMAINS);
    pipelineTier[i] = tier;
    pipelineDomain[i] = domain;
    pipelineCells[tier * DOMAINS + domain].push(i);
    pipelinesByTier[tier].push(i);
  }
  const datasetIn = (tier: number, domain: number) => {
    const cell = datasetCells[tier * DOMAINS + domain];
    return cell.length > 0
      ? random.pick(cell)
      : random.pick(datasetsByTier[tier]);
  };
  const pipelineIn = (tier: number, domain: number) => {
    const cell = pipelineCells[tier * DOMAINS + domain];
    return cell.length > 0
      ? random.pick(cell)
      : random.pick(pipelinesByTier[tier]);
  };

  const from = new Int32Array(EDGES);
  const to = new Int32Array(EDGES);
  const seen = new Set<number>();
  let count = 0;
  const add = (a: number, b: number) => {
    const id = a * NODES + b;
    if (count < EDGES && !seen.has(id)) {
      seen.add(id);
      from[count] = a;
      to[count] = b;
      count++;
    }
  };
  const writerOf = new Int32Array(DATASETS).fill(-1);

  // Every non-raw dataset is written by a pipeline of the tier below.
  for (let i = RAW_DATASETS; i < DATASETS; i++) {
    const writer = pipelineIn(datasetTier[i] - 1, datasetDomain[i]);
    writerOf[i] = writer;
    add(writer, PIPELINES + i);
  }
  // Hubs: the first few raw datasets, read from every tier and domain.
  const hubs = HUB_READERS.map((_, i) => PIPELINES + i);
  HUB_READERS.forEach((readers, i) => {
    for (let r = 0; r < readers; r++) {
      add(hubs[i], random.int(PIPELINES));
    }
  });
  // Task dependencies: a pipeline triggers one of the next tier.
  for (let i = 0; i < TASK_DEPENDENCIES; i++) {
    const a = random.int(PIPELINES - PIPELINES / TIERS);
    add(a, pipelineIn(pipelineTier[a] + 1, pipelineDomain[a]));
  }
  // Cycles: pipelines writing back into a dataset two tiers down...
  for (let i = 0; i < FEEDBACK_EDGES; i++) {
    const p = pipelinesByTier[3 + random.int(TIERS - 3)];
    const pipeline = random.pick(p);
    add(
      pipeline,
      datasetIn(pipelineTier[pipeline] - 2, pipelineDomain[pipeline]),
    );
  }
  // ...and pipelines reading the dataset they write.
  for (let i = 0; i < READ_WRITE_SAME; i++) {
    const dataset = RAW_DATASETS + random.int(DATASETS - RAW_DATASETS);
    add(PIPELINES + dataset, writerOf[dataset]);
  }
  // Every pipeline reads at least one dataset of its tier, then random reads
  // until the edge budget is spent: mostly its own tier and domain, some
  // earlier tiers, some other domains.
  const read = (pipeline: number) => {
    const tier = pipelineTier[pipeline];
    const roll = random.next();
    if (roll < 0.7) {
      add(datasetIn(tier, pipelineDomain[pipeline]), pipeline);
    } else if (roll < 0.85) {
      add(datasetIn(random.int(tier + 1), pipelineDomain[pipeline]), pipeline);
    } else {
      add(random.pick(datasetsByTier[random.int(tier + 1)]), pipeline);
    }
  };
  for (let p = 0; p < PIPELINES; p++) {
    read(p);
  }
  while (count < EDGES) {
    read(random.int(PIPELINES));
  }

  const key = (n: number) => {
    if (n < PIPELINES) {
      const domain = pipelineDomain[n];
      return `pipeline:airflow:team-${domain}/dag_${Math.floor(
        n / 8,
      )}/task_${n}`;
    }
    const d = n - PIPELINES;
    const tier = datasetTier[d];
    return d % 3 === 0
      ? `dataset:s3://lake-${datasetDomain[d]}/tier${tier}/table_${d}`
      : `dataset:postgres://warehouse:5432/domain_${datasetDomain[d]}.t${tier}_${d}`;
  };

  // All keys, encoded back to back, so that loading can decode fresh flat
  // strings the way a database driver does for every row.
  const offsets = new Int32Array(NODES + 1);
  const encoded = Buffer.concat(
    Array.from({ length: NODES }, (_, n) => {
      const bytes = Buffer.from(key(n), 'latin1');
      offsets[n + 1] = offsets[n] + bytes.length;
      return bytes;
    }),
  );
  const decodeKey = (n: number) =>
    encoded.toString('latin1', offsets[n], offsets[n + 1]);

  return { from, to, key, decodeKey, hubs };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, buffers: usage.arrayBuffers };
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

export interface LineageBenchResult {
  loadMs: number;
  graphBytes: number;
  random: { median: number; p95: number; p99: number; max: number };
  hubs: { median: number; max: number };
}

/** Runs the lineage benchmark and prints its figures. */
export async function runLineageBench(): Promise<LineageBenchResult> {
  console.log('== Lineage graph benchmark ==');
  if (!globalThis.gc) {
    console.log(
      'warning: run node with --expose-gc for meaningful memory figures',
    );
  }

  let started = performance.now();
  const synthetic = generateGraph(42);
  console.log(
    `generated ${PIPELINES} pipelines, ${DATASETS} datasets, ${
      synthetic.from.length
    } edges in ${ms(performance.now() - started)}`,
  );

  // Only numbers and bytes exist before the load; the key strings are decoded
  // while loading, as they would be when reading rows from the store.
  const before = memory();
  const graph = new LineageGraph();
  started = performance.now();
  graph.addEdges(
    (function* edges(): Generator<LineageEdge> {
      for (let e = 0; e < synthetic.from.length; e++) {
        yield {
          from: synthetic.decodeKey(synthetic.from[e]),
          to: synthetic.decodeKey(synthetic.to[e]),
        };
      }
    })(),
  );
  const loadMs = performance.now() - started;
  const after = memory();
  const heap = after.heap - before.heap;
  const buffers = after.buffers - before.buffers;

  console.log(`\n-- load --`);
  console.log(`nodes:                ${graph.nodeCount}`);
  console.log(`edges:                ${graph.edgeCount}`);
  console.log(`load time:            ${ms(loadMs)}`);
  console.log(
    `graph memory:         ${mb(heap + buffers)} (JS heap ${mb(
      heap,
    )} + typed arrays ${mb(buffers)})`,
  );

  started = performance.now();
  let keyChars = 0;
  for (let e = 0; e < synthetic.from.length; e++) {
    keyChars +=
      synthetic.decodeKey(synthetic.from[e]).length +
      synthetic.decodeKey(synthetic.to[e]).length;
  }
  console.log(
    `of which decoding the key strings (no graph): ${ms(
      performance.now() - started,
    )} (${keyChars} characters)`,
  );

  const readd = performance.now();
  graph.addEdges(
    (function* edges(): Generator<LineageEdge> {
      for (let e = 0; e < 20_000; e++) {
        yield {
          from: synthetic.decodeKey(synthetic.from[e]),
          to: synthetic.decodeKey(synthetic.to[e]),
        };
      }
    })(),
  );
  console.log(
    `re-adding 20k known edges: ${ms(performance.now() - readd)} (edges still ${
      graph.edgeCount
    })`,
  );

  // Roots: random nodes that have lineage.
  const random = createRandom(7);
  const pickRoot = () => {
    for (;;) {
      const key = synthetic.key(random.int(NODES));
      if (graph.hasNode(key)) {
        return key;
      }
    }
  };
  for (let i = 0; i < WARMUP_ROOTS; i++) {
    graph.traverse({ root: pickRoot(), ...QUERY });
  }
  const times: number[] = [];
  const sizes: number[] = [];
  let truncated = 0;
  for (let i = 0; i < RANDOM_ROOTS; i++) {
    const root = pickRoot();
    const t0 = performance.now();
    const result = graph.traverse({ root, ...QUERY });
    times.push(performance.now() - t0);
    sizes.push(result.nodes.length);
    if (result.truncated) {
      truncated++;
    }
  }
  const randomTimes = summary(times);
  const randomSizes = summary(sizes);
  console.log(
    `\n-- ${RANDOM_ROOTS} random roots, direction ${QUERY.direction}, depth ${QUERY.depth}, limit ${QUERY.limit}, maxNodes default (after ${WARMUP_ROOTS} warm-up queries) --`,
  );
  console.log(
    `time:   median ${ms(randomTimes.median)}, p95 ${ms(
      randomTimes.p95,
    )}, p99 ${ms(randomTimes.p99)}, max ${ms(randomTimes.max)}`,
  );
  console.log(
    `nodes returned: median ${randomSizes.median}, p95 ${randomSizes.p95}, max ${randomSizes.max}; truncated ${truncated} of ${RANDOM_ROOTS}`,
  );

  // The biggest hubs by degree.
  const degree = new Int32Array(NODES);
  for (let e = 0; e < synthetic.from.length; e++) {
    degree[synthetic.from[e]]++;
    degree[synthetic.to[e]]++;
  }
  const hubs = [...degree.keys()]
    .sort((a, b) => degree[b] - degree[a] || a - b)
    .slice(0, HUBS);
  console.log(
    `\n-- ${HUBS} biggest hubs, same query, ${HUB_REPEATS} runs each --`,
  );
  const hubTimes: number[] = [];
  for (const hub of hubs) {
    const root = synthetic.key(hub);
    const runs: number[] = [];
    let result = graph.traverse({ root, ...QUERY });
    for (let i = 0; i < HUB_REPEATS; i++) {
      const t0 = performance.now();
      result = graph.traverse({ root, ...QUERY });
      runs.push(performance.now() - t0);
    }
    hubTimes.push(...runs);
    const s = summary(runs);
    const omitted = Object.values(result.omitted).reduce(
      (sum, o) => sum + (o.upstream ?? 0) + (o.downstream ?? 0),
      0,
    );
    console.log(
      `${root.padEnd(54)} degree ${String(degree[hub]).padStart(
        5,
      )}: median ${ms(s.median)}, max ${ms(s.max)}, nodes ${
        result.nodes.length
      }, edges ${result.edges.length}, omitted ${omitted}, truncated ${
        result.truncated
      }`,
    );
  }
  const hubSummary = summary(hubTimes);
  console.log(
    `all hub runs: median ${ms(hubSummary.median)}, max ${ms(hubSummary.max)}`,
  );

  for (const maxNodes of [10_000, 50_000]) {
    const root = synthetic.key(hubs[0]);
    const runs: number[] = [];
    let result = graph.traverse({ root, ...QUERY, maxNodes });
    for (let i = 0; i < HUB_REPEATS; i++) {
      const t = performance.now();
      result = graph.traverse({ root, ...QUERY, maxNodes });
      runs.push(performance.now() - t);
    }
    const s = summary(runs);
    console.log(
      `biggest hub with maxNodes ${maxNodes}: median ${ms(s.median)}, max ${ms(
        s.max,
      )}, nodes ${result.nodes.length}, edges ${
        result.edges.length
      }, truncated ${result.truncated}`,
    );
  }

  // How much of the graph the biggest hub reaches, without any caps.
  const fullRoot = synthetic.key(hubs[0]);
  const t0 = performance.now();
  const full = graph.traverse({
    root: fullRoot,
    direction: 'both',
    depth: Infinity,
    limit: Infinity,
    maxNodes: Infinity,
  });
  console.log(
    `\n-- uncapped walk from the biggest hub (depth, limit, maxNodes all Infinity) --`,
  );
  console.log(
    `reaches ${full.nodes.length} of ${graph.nodeCount} nodes (${(
      (100 * full.nodes.length) /
      graph.nodeCount
    ).toFixed(0)}%), ${full.edges.length} edges, max depth ${
      full.nodes[full.nodes.length - 1].depth
    }, in ${ms(performance.now() - t0)}`,
  );

  return {
    loadMs,
    graphBytes: heap + buffers,
    random: randomTimes,
    hubs: { median: hubSummary.median, max: hubSummary.max },
  };
}

if (require.main === module) {
  runLineageBench().catch(error => {
    console.error(error);
    process.exitCode = 1;
  });
}
