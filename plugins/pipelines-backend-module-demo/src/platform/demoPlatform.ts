import { Seeded } from './seeded';

/**
 * The demo's data platform: a music-streaming company's teams, datasets and
 * pipelines, generated from a seed. Everything here is invented.
 */

export type PipelineStyle =
  | 'luigi'
  | 'spark'
  | 'dbt'
  | 'flyte'
  | 'styx'
  | 'airflow'
  | 'simulated';

export interface DemoDataset {
  namespace: string;
  name: string;
  /** Teams' datasets carry columns; raw topics and paths often do not. */
  columns?: Array<{ name: string; type: string; description?: string }>;
  /** A data quality check runs on it when read. */
  checked?: boolean;
}

export interface DemoPipeline {
  style: PipelineStyle;
  /** OpenLineage job namespace; for the simulated scheduler its provider id. */
  namespace: string;
  name: string;
  description: string;
  team: string;
  /** Owner as the source names it (a team, an alias, an email). */
  sourceOwner: string;
  cadence: 'hourly' | 'daily';
  inputs: DemoDataset[];
  outputs: DemoDataset[];
  sourceCodeUrl: string;
  meanDurationMinutes: number;
  failureRate: number;
  /** Partitions start this long after they are due. */
  startDelayMinutes: number;
  /** Every partition since this many days ago fails. */
  failingForDays?: number;
}

export interface DemoService {
  name: string;
  title: string;
  description: string;
  team: string;
  repository: string;
  reads: DemoDataset[];
  writes: DemoDataset[];
}

export interface DemoPlatform {
  teams: string[];
  datasets: DemoDataset[];
  pipelines: DemoPipeline[];
  services: DemoService[];
}

/** The seed of the embedded default, and of examples/demo-services.yaml. */
export const DEMO_DEFAULT_SEED = 42;

export const DEMO_TEAMS = [
  'data-platform',
  'royalties',
  'growth',
  'recommendations',
  'podcasts',
  'ads',
] as const;

/** How some sources name teams: the app-config mapping resolves these. */
export const TEAM_ALIASES: Record<string, string> = {
  royalties: 'royalties-eng@tributary.example',
  ads: 'ads-data',
};

/** An owner no mapping knows: the unmapped-owners endpoint lists it. */
export const UNMAPPED_OWNER = 'legacy-etl';

const GITHUB = 'https://github.com/tributary-demo';
const BQ_PROJECT = 'tributary-prod';

const DOMAIN_SUBJECTS: Record<string, string[]> = {
  'data-platform': ['plays', 'users', 'tracks', 'sessions', 'devices'],
  royalties: ['statements', 'rights_holders', 'payouts', 'usage', 'rates'],
  growth: ['signups', 'trials', 'churn', 'experiments', 'referrals'],
  recommendations: ['embeddings', 'candidates', 'features', 'playlists'],
  podcasts: ['episodes', 'shows', 'listens', 'transcripts'],
  ads: ['impressions', 'campaigns', 'spend', 'clicks', 'audiences'],
};

/** Columns the demo's tables are made of, with their types. */
const COLUMNS: Array<{ name: string; type: string; description?: string }> = [
  { name: 'user_id', type: 'STRING', description: 'Pseudonymous listener id' },
  { name: 'track_id', type: 'STRING' },
  { name: 'country', type: 'STRING', description: 'ISO 3166-1 alpha-2' },
  { name: 'ms_played', type: 'INT64', description: 'Milliseconds listened' },
  { name: 'event_time', type: 'TIMESTAMP' },
  { name: 'platform', type: 'STRING', description: 'ios, android, web, ...' },
  { name: 'amount_eur', type: 'NUMERIC' },
  { name: 'label_id', type: 'STRING', description: 'Rights holder' },
  { name: 'episode_id', type: 'STRING' },
  { name: 'campaign_id', type: 'STRING' },
  { name: 'score', type: 'FLOAT64' },
  { name: 'is_premium', type: 'BOOL' },
  { name: 'partition_date', type: 'DATE' },
  { name: 'artist_id', type: 'STRING' },
  { name: 'device_type', type: 'STRING' },
  { name: 'session_id', type: 'STRING' },
];

function columnsFor(random: Seeded, count: number) {
  return random.sample(COLUMNS, count);
}

interface SubjectDatasets {
  topic: DemoDataset;
  deadLetters: DemoDataset;
  serviceTable: DemoDataset;
  rawHourly: DemoDataset;
  rawSnapshots: DemoDataset;
  rawDumps: DemoDataset;
  quarantine: DemoDataset;
  clean: DemoDataset;
  dedup: DemoDataset;
  rejects: DemoDataset;
  enriched: DemoDataset;
  enrichedLatest: DemoDataset;
  features: DemoDataset;
  featureSignals: DemoDataset;
  scores: DemoDataset;
  scoresHistory: DemoDataset;
  modelArtifacts: DemoDataset;
  martDaily: DemoDataset;
  martByCountry: DemoDataset;
  martByLabel: DemoDataset;
  martMonthly: DemoDataset;
  martHistory: DemoDataset;
  martByPlatform: DemoDataset;
  kpis: DemoDataset;
  summary: DemoDataset;
  summarySnapshots: DemoDataset;
  serving: DemoDataset;
  export: DemoDataset;
}

/** Per team, per subject: ~700 datasets in all. */
function createDatasets(random: Seeded) {
  const byTeam = new Map<string, SubjectDatasets[]>();
  for (const team of DEMO_TEAMS) {
    const domain = team.replace('-', '_');
    const bq = (dataset: string, table: string, columnCount: number) => ({
      namespace: 'bigquery',
      name: `${BQ_PROJECT}.${domain}_${dataset}.${table}`,
      columns: columnsFor(random, columnCount),
      checked: random.chance(0.2),
    });
    const gcs = (bucket: string, path: string) => ({
      namespace: `gs://${bucket}`,
      name: `${team}/${path}`,
    });
    const postgres = (host: string, table: string) => ({
      namespace: `postgres://${host}.prod.tributary.internal:5432`,
      name: `${domain}.public.${table}`,
      columns: columnsFor(random, 4 + random.int(6)),
    });
    byTeam.set(
      team,
      DOMAIN_SUBJECTS[team].map(subject => ({
        topic: {
          namespace: 'kafka://kafka.prod.tributary.internal:9092',
          name: `${team}.${subject}.v${1 + random.int(3)}`,
        },
        deadLetters: {
          namespace: 'kafka://kafka.prod.tributary.internal:9092',
          name: `${team}.${subject}.dead-letters`,
        },
        serviceTable: postgres('pg-main', subject),
        rawHourly: gcs('tributary-raw', `${subject}/hourly`),
        rawSnapshots: gcs('tributary-raw', `${subject}/snapshots`),
        rawDumps: gcs('tributary-raw', `${subject}/dumps`),
        quarantine: gcs('tributary-quarantine', `${subject}`),
        clean: bq('staging', `${subject}_clean`, 6 + random.int(8)),
        dedup: bq('staging', `${subject}_dedup`, 6 + random.int(8)),
        rejects: bq('staging', `${subject}_rejects`, 3),
        enriched: bq('staging', `${subject}_enriched`, 8 + random.int(8)),
        enrichedLatest: bq('staging', `${subject}_latest`, 8 + random.int(8)),
        features: bq('features', `${subject}_features_v2`, 6 + random.int(10)),
        featureSignals: bq('features', `${subject}_signals`, 5 + random.int(8)),
        scores: bq('features', `${subject}_scores`, 4 + random.int(4)),
        scoresHistory: bq('features', `${subject}_scores_history`, 5),
        modelArtifacts: gcs('tributary-models', `${subject}/model`),
        martDaily: bq('marts', `${subject}_daily`, 5 + random.int(8)),
        martByCountry: bq('marts', `${subject}_by_country`, 5 + random.int(8)),
        martByLabel: bq('marts', `${subject}_by_label`, 5 + random.int(8)),
        martMonthly: bq('marts', `${subject}_monthly`, 5 + random.int(8)),
        martHistory: bq('marts', `${subject}_history`, 5 + random.int(8)),
        martByPlatform: bq(
          'marts',
          `${subject}_by_platform`,
          5 + random.int(6),
        ),
        kpis: bq('reports', `${subject}_kpis`, 4 + random.int(5)),
        summary: bq('reports', `${subject}_summary`, 4 + random.int(5)),
        summarySnapshots: gcs('tributary-reports', `${subject}/summary`),
        serving: postgres('pg-serving', `${subject}_kpis`),
        export: gcs('tributary-exports', `${subject}/csv`),
      })),
    );
  }
  return byTeam;
}

const STYLE_NAMESPACES: Record<PipelineStyle, string> = {
  luigi: 'luigi://central-scheduler',
  spark: 'spark://etl-cluster',
  dbt: 'dbt://warehouse',
  flyte: 'flyte://ml-platform',
  styx: 'styx://production',
  airflow: 'airflow://analytics',
  simulated: 'simulated:demo',
};

const STYLE_REPOSITORIES: Record<PipelineStyle, string> = {
  luigi: 'luigi-extracts',
  spark: 'spark-jobs',
  dbt: 'dbt-warehouse',
  flyte: 'ml-workflows',
  styx: 'styx-jobs',
  airflow: 'airflow-dags',
  simulated: 'platform-jobs',
};

const ERROR_FREE_STYLES: PipelineStyle[] = ['dbt'];

/**
 * One team's pipelines through the layers: extracts (Luigi) land topics and
 * service tables in GCS, Spark and dbt stage them in BigQuery, Flyte models
 * features, dbt and Styx build marts, Airflow reports, the simulated
 * scheduler exports. Reads cross into data-platform's shared layers.
 */
function createPipelines(
  random: Seeded,
  datasets: Map<string, SubjectDatasets[]>,
): DemoPipeline[] {
  const pipelines: DemoPipeline[] = [];
  const shared = datasets.get('data-platform')!;
  for (const team of DEMO_TEAMS) {
    const domain = team.replace('-', '_');
    const sourceOwner = TEAM_ALIASES[team] ?? team;
    const add = (
      style: PipelineStyle,
      name: string,
      description: string,
      inputs: DemoDataset[],
      outputs: DemoDataset[],
      options: Partial<DemoPipeline> = {},
    ) => {
      // Teams keep their Airflow reports next to their service's code.
      const repository =
        style === 'airflow' && team !== 'data-platform'
          ? `${team}-service`
          : STYLE_REPOSITORIES[style];
      pipelines.push({
        style,
        namespace: STYLE_NAMESPACES[style],
        name,
        description,
        team,
        sourceOwner,
        cadence: 'daily',
        inputs,
        outputs,
        sourceCodeUrl: `${GITHUB}/${repository}/blob/main/${style}/${name.replace(
          /\./g,
          '/',
        )}.py`,
        meanDurationMinutes: 5 + random.int(40),
        failureRate: ERROR_FREE_STYLES.includes(style)
          ? 0.01
          : 0.01 + random.next() * 0.05,
        startDelayMinutes: 0,
        ...options,
      });
    };
    const sharedReads = (count: number) =>
      team === 'data-platform'
        ? []
        : random.sample(shared, count).map(subject => subject.enriched);

    datasets.get(team)!.forEach((d, i) => {
      const subject = DOMAIN_SUBJECTS[team][i];
      const hourly = team === 'data-platform' || i === 0;
      add(
        'luigi',
        `${domain}.Extract${pascal(subject)}`,
        `Lands the ${d.topic.name} topic in GCS`,
        [d.topic],
        [d.rawHourly, d.deadLetters],
        {
          cadence: hourly ? 'hourly' : 'daily',
          meanDurationMinutes: 3 + random.int(8),
        },
      );
      add(
        'luigi',
        `${domain}.Dump${pascal(subject)}Table`,
        `Nightly dump of ${d.serviceTable.name}`,
        [d.serviceTable],
        [d.rawSnapshots, d.rawDumps],
      );
      add(
        'spark',
        `${domain}.${subject}_clean`,
        `Cleans and deduplicates raw ${subject}; bad rows go to quarantine`,
        [d.rawHourly, d.rawSnapshots],
        [d.clean, d.dedup, d.rejects, d.quarantine],
        { cadence: hourly ? 'hourly' : 'daily' },
      );
      add(
        'dbt',
        `${domain}_staging.${subject}_enriched`,
        `Joins ${subject} with shared dimensions`,
        [d.dedup, ...sharedReads(2)],
        [d.enriched, d.enrichedLatest],
      );
      add(
        'flyte',
        `${domain}.${subject}_features`,
        `Feature engineering and training for ${subject} models`,
        [d.enriched, d.rawDumps],
        [d.features, d.featureSignals, d.modelArtifacts],
        { meanDurationMinutes: 30 + random.int(90) },
      );
      add(
        'flyte',
        `${domain}.${subject}_scoring`,
        `Scores ${subject} with the current model`,
        [d.features, d.modelArtifacts, ...sharedReads(1)],
        [d.scores, d.scoresHistory],
      );
      add(
        'dbt',
        `${domain}_marts.${subject}_daily`,
        `Daily ${subject} marts`,
        [d.enrichedLatest, d.featureSignals],
        [d.martDaily, d.martByCountry],
      );
      add(
        'styx',
        `${domain}.${subject}-rollup`,
        `Rolls ${subject} up by label and month`,
        [d.martDaily],
        [d.martByLabel, d.martMonthly, d.martHistory, d.martByPlatform],
        { startDelayMinutes: i === 1 ? 180 : 0 },
      );
      add(
        'airflow',
        `${domain}_reports.${subject}_kpis`,
        `KPIs for the ${team} dashboards, served from Postgres`,
        [d.martByCountry, d.scores, d.featureSignals],
        [d.kpis, d.serving],
      );
      add(
        'airflow',
        `${domain}_reports.${subject}_summary`,
        `Summary of ${subject}, refreshed daily`,
        [d.martMonthly, d.kpis],
        [d.summary, d.summarySnapshots],
      );
      add(
        'simulated',
        `${domain}.export_${subject}`,
        `Exports ${subject} summaries to partners (simulated scheduler)`,
        [d.summary],
        [d.export],
        {
          cadence: hourly ? 'hourly' : 'daily',
          meanDurationMinutes: 4 + random.int(10),
        },
      );
    });
  }

  // One pipeline failing for days, one whose owner nothing maps.
  const failing = pipelines.find(
    p => p.style === 'airflow' && p.team === 'ads',
  )!;
  failing.failingForDays = 4;
  failing.failureRate = 1;
  // The guest's team has a simulated pipeline failing since yesterday and
  // one that always finishes late, so its alerts show in the demo.
  const ownFailing = pipelines.find(
    p => p.name === 'data_platform.export_devices',
  )!;
  ownFailing.failingForDays = 1;
  const ownLate = pipelines.find(p => p.name === 'data_platform.export_users')!;
  ownLate.startDelayMinutes = 150;
  const legacy = pipelines.find(
    p => p.style === 'luigi' && p.team === 'podcasts',
  )!;
  legacy.sourceOwner = UNMAPPED_OWNER;
  return pipelines;
}

function pascal(text: string): string {
  return text
    .split(/[_-]/)
    .map(word => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** Services that read and write the teams' datasets. */
function createServices(
  datasets: Map<string, SubjectDatasets[]>,
): DemoService[] {
  const first = (team: string) => datasets.get(team)![0];
  const second = (team: string) => datasets.get(team)![1];
  return [
    {
      name: 'playback-service',
      title: 'Playback service',
      description: 'Streams audio and emits every play',
      team: 'data-platform',
      repository: 'playback-service',
      reads: [],
      writes: [first('data-platform').topic],
    },
    {
      name: 'royalties-service',
      title: 'Royalties service',
      description: 'Serves statements to rights holders',
      team: 'royalties',
      repository: 'royalties-service',
      reads: [first('royalties').serving, first('royalties').martDaily],
      writes: [first('royalties').serviceTable],
    },
    {
      name: 'recommendations-api',
      title: 'Recommendations API',
      description: 'Home-screen and radio recommendations',
      team: 'recommendations',
      repository: 'recommendations-service',
      reads: [
        first('recommendations').scores,
        second('recommendations').scores,
      ],
      writes: [first('recommendations').topic],
    },
    {
      name: 'growth-dashboard',
      title: 'Growth dashboard',
      description: 'Acquisition and retention dashboards',
      team: 'growth',
      repository: 'growth-service',
      reads: [first('growth').serving, second('growth').serving],
      writes: [],
    },
    {
      name: 'podcast-catalog',
      title: 'Podcast catalog',
      description: 'Shows and episodes metadata',
      team: 'podcasts',
      repository: 'podcasts-service',
      reads: [first('podcasts').martDaily],
      writes: [first('podcasts').serviceTable, second('podcasts').serviceTable],
    },
    {
      name: 'ad-server',
      title: 'Ad server',
      description: 'Serves ads and logs impressions',
      team: 'ads',
      repository: 'ads-service',
      reads: [first('ads').scores],
      writes: [first('ads').topic],
    },
  ];
}

export function createDemoPlatform(seed: number): DemoPlatform {
  const random = new Seeded(seed);
  const datasets = createDatasets(random);
  const pipelines = createPipelines(random, datasets);
  const all = [...datasets.values()].flatMap(subjects =>
    subjects.flatMap(subject => Object.values(subject)),
  );
  return {
    teams: [...DEMO_TEAMS],
    datasets: all,
    pipelines,
    services: createServices(datasets),
  };
}

export function demoDatasetId(dataset: DemoDataset): string {
  return `${dataset.namespace}/${dataset.name}`;
}

export function demoPipelineId(pipeline: DemoPipeline): string {
  return `${pipeline.namespace}:${pipeline.name}`;
}
