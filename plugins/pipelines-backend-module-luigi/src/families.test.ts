import { familyFromTaskId, isStubTask } from './families';
import { familyEdges } from './LuigiDependencyGraph';
import { readFixture } from './testUtils/FakeLuigiServer';

describe('familyFromTaskId', () => {
  it('prefers the longest known family, since families may contain _', () => {
    const known = new Set(['load', 'load_table', 'ExtractPlays']);
    expect(familyFromTaskId('load_table_2026_11_01_abcdef0123', known)).toBe(
      'load_table',
    );
    expect(familyFromTaskId('ExtractPlays_2026_11_01_6468bfe8de', known)).toBe(
      'ExtractPlays',
    );
    // A task without parameters: `<family>__<hash>`.
    expect(familyFromTaskId('load_table__abcdef0123', known)).toBe(
      'load_table',
    );
  });

  it("falls back to Luigi's own guess", () => {
    expect(familyFromTaskId('RawPlays_2026_10_31_eeeeeeeeee', new Set())).toBe(
      'RawPlays',
    );
    expect(familyFromTaskId('ns.Task_x_0123456789', new Set())).toBe('ns.Task');
    expect(familyFromTaskId('nounderscore', new Set())).toBeUndefined();
  });
});

describe('familyEdges', () => {
  it('turns the recorded task graph into family edges', () => {
    const { edges, families } = familyEdges(readFixture('graph.json').response);
    expect(edges).toEqual([
      { upstream: 'ExtractPlays', downstream: 'AggregateStreams' },
      { upstream: 'TopTracksReport', downstream: 'DailyReports' },
      { upstream: 'AggregateStreams', downstream: 'FlakyEnrichment' },
      { upstream: 'AggregateStreams', downstream: 'TopTracksReport' },
      { upstream: 'FlakyEnrichment', downstream: 'TopTracksReport' },
    ]);
    expect([...families].sort()).toEqual([
      'AggregateStreams',
      'DailyReports',
      'ExtractPlays',
      'FlakyEnrichment',
      'TopTracksReport',
    ]);
  });

  it('resolves stubs by known families and leaves out self edges', () => {
    const stub = {
      deps: [],
      status: 'UNKNOWN',
      workers: [],
      start_time: 'UNKNOWN',
      params: {},
      // luigid's guess, wrong for families with `_`
      name: 'load',
      priority: 0,
    };
    expect(isStubTask(stub)).toBe(true);
    const { edges } = familyEdges(
      {
        load_table_2026_11_01_aaaaaaaaaa: {
          status: 'DONE',
          start_time: 1,
          name: 'load_table',
          deps: [
            'load_table_2026_10_31_bbbbbbbbbb',
            'raw_2026_11_01_cccccccccc',
          ],
        },
        load_table_2026_10_31_bbbbbbbbbb: stub,
        raw_2026_11_01_cccccccccc: { ...stub, name: 'raw' },
      },
      new Set(),
    );
    expect(edges).toEqual([{ upstream: 'raw', downstream: 'load_table' }]);
  });
});
