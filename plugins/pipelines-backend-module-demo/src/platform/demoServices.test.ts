import fs from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { datasetEntityRef } from '@tributary/plugin-catalog-backend-module-pipelines';
import { parseAllDocuments } from 'yaml';
import {
  createDemoPlatform,
  demoDatasetId,
  DEMO_DEFAULT_SEED,
} from './demoPlatform';
import { renderDemoServicesYaml } from './demoServices';

const platform = createDemoPlatform(DEMO_DEFAULT_SEED);
const file = resolvePackagePath(
  '@tributary/plugin-pipelines-backend-module-demo',
  '../../examples/demo-services.yaml',
);

describe('examples/demo-services.yaml', () => {
  it('is what the generator writes for the demo seed', () => {
    // On failure: yarn workspace @tributary/plugin-pipelines-backend-module-demo generate-catalog
    expect(fs.readFileSync(file, 'utf8')).toBe(
      renderDemoServicesYaml(platform, datasetEntityRef),
    );
  });

  it('names only datasets the demo pipelines read or write', () => {
    const known = new Set(
      platform.pipelines.flatMap(p =>
        [...p.inputs, ...p.outputs].map(d =>
          datasetEntityRef(demoDatasetId(d)),
        ),
      ),
    );
    const services = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
      document => document.toJS(),
    );
    expect(services).toHaveLength(platform.services.length);
    const refs = services.flatMap(service => [
      ...(service.spec.providesApis ?? []),
      ...(service.spec.consumesApis ?? []),
    ]);
    expect(refs.length).toBeGreaterThan(8);
    expect(refs.filter(ref => !known.has(ref))).toEqual([]);
  });
});
