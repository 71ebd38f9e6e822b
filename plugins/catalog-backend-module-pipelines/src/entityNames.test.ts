import { KubernetesValidatorFunctions } from '@backstage/catalog-model';
import {
  datasetEntityName,
  datasetNameOfId,
  entityNameForId,
  pipelineEntityName,
} from './entityNames';

const { isValidObjectName } = KubernetesValidatorFunctions;

/** Readable parts; each id is `ns:<readable>`. */
const awkward: Array<[label: string, readable: string]> = [
  ['an Airflow task', 'daily_sales.load'],
  ['spaces', 'with spaces'],
  ['slashes', 'a/b/c'],
  ['colons', 'a:b:c'],
  ['dots around', '...dots...'],
  ['separators around', '_.-leading-and-trailing-._'],
  ['accents', 'Müller-Lüdenscheidt'],
  ['Japanese', '日本語のジョブ'],
  ['an emoji', 'emoji 🚀 job'],
  ['nothing', ''],
  ['only separators', '---'],
  ['300 characters', 'x'.repeat(300)],
  ['300 characters ending in a dot', 'ab.'.repeat(100)],
  ['doubled separators', 'a__b..c--d'],
];

describe('entityNameForId', () => {
  it.each(awkward)('gives a valid name for %s', (_label, readable) => {
    const name = entityNameForId(`ns:${readable}`, readable);
    expect(isValidObjectName(name)).toBe(true);
    expect(name).not.toMatch(/[-_.]{2}/);
    expect(entityNameForId(`ns:${readable}`, readable)).toBe(name);
  });

  it('keeps the readable part readable', () => {
    expect(
      entityNameForId('airflow:prod:daily_sales.load', 'daily_sales.load'),
    ).toMatch(/^daily_sales\.load-[0-9a-f]{16}$/);
    expect(entityNameForId('ns:with spaces', 'with spaces')).toMatch(
      /^with-spaces-[0-9a-f]{16}$/,
    );
    expect(entityNameForId('ns:x', 'Müller')).toMatch(/^Muller-/);
    expect(entityNameForId('ns:', '')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('gives distinct names to distinct ids', () => {
    const ids = [
      ...awkward.map(([, readable]) => `ns:${readable}`),
      'ns:a-b',
      'ns:a_b',
      'ns:a.b',
      'ns:a b',
      'ns:a/b',
      'ns:A-B',
      `ns:${'x'.repeat(299)}`,
      `ns:${'x'.repeat(300)}y`,
    ];
    const names = ids.map(id => entityNameForId(id, id.slice(3)));
    expect(new Set(names).size).toBe(ids.length);
    // The catalog compares names case-insensitively.
    expect(new Set(names.map(name => name.toLowerCase())).size).toBe(
      ids.length,
    );
  });

  it('names the same readable part differently for different ids', () => {
    expect(entityNameForId('airflow:prod:load', 'load')).not.toBe(
      entityNameForId('airflow:test:load', 'load'),
    );
  });
});

describe('pipelineEntityName', () => {
  it('reads the pipeline name, not its source', () => {
    expect(
      pipelineEntityName({
        id: 'airflow:prod:daily_sales.load',
        name: 'daily_sales.load',
      }),
    ).toMatch(/^daily_sales\.load-/);
  });
});

describe('datasetEntityName', () => {
  it.each([
    ['bigquery/project.dataset.table', 'project.dataset.table'],
    ['gs://bucket/path/to file', 'path/to file'],
    ['kafka://broker:9092/topic-name', 'topic-name'],
    ['postgres://db.host:5432/db.schema.table', 'db.schema.table'],
    ['file//tmp/out.csv', '/tmp/out.csv'],
    ['warehouse', 'warehouse'],
  ])('finds the OpenLineage name in %s', (id, name) => {
    expect(datasetNameOfId(id)).toBe(name);
    expect(isValidObjectName(datasetEntityName(id))).toBe(true);
  });

  it('names datasets after their OpenLineage name', () => {
    expect(datasetEntityName('gs://bucket/path/to file')).toMatch(
      /^path-to-file-[0-9a-f]{16}$/,
    );
    expect(datasetEntityName('bigquery/project.dataset.table')).toMatch(
      /^project\.dataset\.table-/,
    );
  });
});
