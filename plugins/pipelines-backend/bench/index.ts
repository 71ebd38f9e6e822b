/*
 * Runs the pipelines backend benchmarks, one after the other:
 *
 *   yarn bench   (node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/index.ts)
 */
import { runLineageBench } from './lineage.bench';

async function main() {
  await runLineageBench();
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
