import { EVENT_FILES, readEvents } from '../__testUtils__/fixtures';
import { canonicalJson, mapOpenLineageEvent } from './mapOpenLineageEvent';
import metricsEvent from './__fixtures__/data_quality_metrics_event.json';

const received = new Date('2026-11-03T00:00:00Z');
const runId = '33333333-3333-4333-8333-333333333333';

describe('mapOpenLineageEvent: dataQualityMetrics', () => {
  it('maps the input facet and the dataset facet of outputs', () => {
    const writes = mapOpenLineageEvent(metricsEvent as any, received);
    expect(writes.qualityMetrics).toEqual([
      {
        runId,
        datasetId: 'warehouse/raw.payments',
        partitionTime: new Date('2026-11-02T00:00:00Z'),
        observedAt: new Date('2026-11-02T02:00:00Z'),
        rowCount: 10,
        bytes: undefined,
        fileCount: 5,
        columns: {
          amount: { count: 10, max: 1500, min: 100, sum: 6600 },
          counterparty_id: { nullCount: 0 },
          user_id: { distinctCount: 3, nullCount: 0 },
        },
      },
      {
        runId,
        datasetId: 'warehouse/mart.payments',
        partitionTime: new Date('2026-11-02T00:00:00Z'),
        observedAt: new Date('2026-11-02T02:00:00Z'),
        rowCount: 10,
        bytes: 2048,
        fileCount: 1,
        columns: {
          amount: {
            count: 10,
            max: 1500,
            min: 100,
            sum: 6600,
            quantiles: { '0.5': 450, '0.9': 1400 },
          },
        },
      },
    ]);
  });

  it('reads the dataset facet of inputs, and drops values of the wrong type', () => {
    const event = {
      ...metricsEvent,
      run: { runId },
      inputs: [
        {
          namespace: 'warehouse',
          name: 'raw.payments',
          facets: {
            dataQualityMetrics: {
              rowCount: '10',
              bytes: -1,
              fileCount: 1.5,
              columnMetrics: {
                amount: {
                  nullCount: 'none',
                  max: 7,
                  quantiles: { '0.5': 'x' },
                },
                ignored: 'not an object',
              },
            },
          },
        },
      ],
      outputs: [],
    };
    expect(mapOpenLineageEvent(event as any, received).qualityMetrics).toEqual([
      {
        runId,
        datasetId: 'warehouse/raw.payments',
        partitionTime: undefined,
        observedAt: new Date('2026-11-02T02:00:00Z'),
        rowCount: undefined,
        bytes: undefined,
        fileCount: undefined,
        columns: { amount: { max: 7 } },
      },
    ]);
  });

  it('writes no metrics without a run or without the facet', () => {
    const { run: _run, ...withoutRun } = metricsEvent;
    expect(
      mapOpenLineageEvent(withoutRun as any, received).qualityMetrics,
    ).toEqual([]);
    const withoutFacets = {
      ...metricsEvent,
      inputs: [{ namespace: 'warehouse', name: 'raw.payments' }],
      outputs: [],
    };
    expect(
      mapOpenLineageEvent(withoutFacets as any, received).qualityMetrics,
    ).toEqual([]);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    const value = {
      b: [{ z: 1, a: null }, 'x', [2, { d: true, c: 'é"' }], undefined],
      a: { y: undefined, x: 1.5 },
    };
    const text =
      '{"a":{"x":1.5},"b":[{"a":null,"z":1},"x",[2,{"c":"é\\"","d":true}],null]}';
    expect(canonicalJson(value)).toBe(text);
    // Integer-like keys, which an object lists first, take the other path.
    expect(canonicalJson({ ...value, '10': 0, '9': 0 })).toBe(
      `{"10":0,"9":0,${text.slice(1)}`,
    );
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('sorts objects of many keys', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${1000 - i * 7}`);
    const text = canonicalJson(Object.fromEntries(keys.map(key => [key, 1])));
    expect(Object.keys(JSON.parse(text))).toEqual([...keys].sort());
  });

  it('writes the same text whatever the order of the keys', () => {
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([key, item]) => [key, reversed(item)]),
      );
    };
    const events = EVENT_FILES.flatMap(readEvents);
    expect(events.length).toBeGreaterThan(10);
    for (const event of events) {
      const text = canonicalJson(event);
      expect(canonicalJson(reversed(event))).toBe(text);
      expect(canonicalJson(JSON.parse(text))).toBe(text);
    }
  });

  it('keeps a __proto__ member as data', () => {
    const parsed = JSON.parse('{"b":1,"__proto__":{"x":2},"a":[3]}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":2},"a":[3],"b":1}');
  });
});
