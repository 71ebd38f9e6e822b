import {
  createDemoPlatform,
  DemoPipeline,
  demoDatasetId,
  DEMO_TEAMS,
  UNMAPPED_OWNER,
} from './demoPlatform';

describe('createDemoPlatform', () => {
  const platform = createDemoPlatform(42);

  it('is the same for the same seed and differs for another', () => {
    expect(createDemoPlatform(42)).toEqual(platform);
    expect(createDemoPlatform(7)).not.toEqual(platform);
  });

  it('has the size of a lived-in platform', () => {
    expect(platform.teams).toEqual([...DEMO_TEAMS]);
    expect(platform.pipelines.length).toBeGreaterThanOrEqual(280);
    expect(platform.pipelines.length).toBeLessThanOrEqual(320);
    const referenced = new Set(
      platform.pipelines.flatMap(p =>
        [...p.inputs, ...p.outputs].map(demoDatasetId),
      ),
    );
    expect(referenced.size).toBeGreaterThanOrEqual(700);
    expect(new Set(platform.pipelines.map(p => p.style))).toEqual(
      new Set([
        'luigi',
        'spark',
        'dbt',
        'flyte',
        'styx',
        'airflow',
        'simulated',
      ]),
    );
    expect(
      new Set(platform.pipelines.map(p => `${p.namespace}:${p.name}`)).size,
    ).toBe(platform.pipelines.length);
  });

  it('has lineage from a Luigi extract through a Flyte model to an Airflow report', () => {
    const readers = (pipeline: DemoPipeline, style: string) =>
      platform.pipelines.filter(
        p =>
          p.style === style &&
          p.inputs.some(input =>
            pipeline.outputs.map(demoDatasetId).includes(demoDatasetId(input)),
          ),
      );
    const chains = platform.pipelines
      .filter(p => p.style === 'luigi')
      .flatMap(luigi =>
        readers(luigi, 'flyte').flatMap(flyte =>
          readers(flyte, 'airflow').map(airflow => [luigi, flyte, airflow]),
        ),
      );
    expect(chains.length).toBeGreaterThan(0);
  });

  it('has failing pipelines, a late one and one owner nothing maps', () => {
    expect(
      platform.pipelines
        .filter(p => p.failingForDays !== undefined)
        .map(p => [p.name, p.style, p.failingForDays]),
    ).toEqual([
      ['data_platform.export_devices', 'simulated', 1],
      ['ads_reports.impressions_kpis', 'airflow', 4],
    ]);
    expect(
      platform.pipelines.find(p => p.name === 'data_platform.export_users')
        ?.startDelayMinutes,
    ).toBe(150);
    expect(
      platform.pipelines.filter(p => p.sourceOwner === UNMAPPED_OWNER),
    ).toHaveLength(1);
  });

  it('gives the guest team some simulated pipelines and other teams the rest', () => {
    const simulatedTeams = platform.pipelines
      .filter(p => p.style === 'simulated')
      .map(p => p.team);
    expect(simulatedTeams).toContain('data-platform');
    expect(new Set(simulatedTeams).size).toBeGreaterThan(1);
  });
});
