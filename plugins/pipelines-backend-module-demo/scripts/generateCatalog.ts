/*
 * Writes examples/demo-services.yaml from the demo platform.
 *
 *   yarn workspace @tributary/plugin-pipelines-backend-module-demo generate-catalog
 */
import fs from 'node:fs';
import path from 'node:path';
import { datasetEntityRef } from '@tributary/plugin-catalog-backend-module-pipelines';
import {
  createDemoPlatform,
  DEMO_DEFAULT_SEED,
} from '../src/platform/demoPlatform';
import { renderDemoServicesYaml } from '../src/platform/demoServices';

const target = path.resolve(process.cwd(), '../../examples/demo-services.yaml');
fs.writeFileSync(
  target,
  renderDemoServicesYaml(
    createDemoPlatform(DEMO_DEFAULT_SEED),
    datasetEntityRef,
  ),
);
console.log(`Wrote ${target}`);
