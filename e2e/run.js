/*
 * End-to-end journeys against the built app served by the backend on the
 * embedded default (demo data), in Debian's Chromium. Writes screenshots and
 * .test-results/e2e.json (one result per journey step) for the summary.
 *
 *   node e2e/run.js            (after `yarn workspace app build`)
 */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, '.test-results');
const SHOTS = path.join(RESULTS, 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const YARN = path.join(ROOT, '.yarn/releases/yarn-4.13.0.cjs');

function freePort() {
  return new Promise(resolve => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

async function startBackend(port) {
  const baseUrl = `http://localhost:${port}`;
  const configFile = path.join(os.tmpdir(), `tributary-e2e-${port}.yaml`);
  fs.writeFileSync(
    configFile,
    [
      'app:',
      `  baseUrl: ${baseUrl}`,
      'backend:',
      `  baseUrl: ${baseUrl}`,
      '  listen:',
      `    port: ${port}`,
      '  cors:',
      `    origin: ${baseUrl}`,
      '',
    ].join('\n'),
  );
  const log = fs.openSync(path.join(RESULTS, 'e2e-backend.log'), 'w');
  const backend = spawn(
    process.execPath,
    [
      YARN,
      'workspace',
      'backend',
      'start',
      '--config',
      '../../app-config.yaml',
      '--config',
      configFile,
    ],
    { cwd: ROOT, stdio: ['ignore', log, log], detached: true },
  );
  return { baseUrl, backend };
}

async function guestToken(baseUrl) {
  const response = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    method: 'POST',
  });
  const body = await response.json();
  return body.backstageIdentity.token;
}

async function catalogCount(baseUrl, token, filter) {
  const response = await fetch(
    `${baseUrl}/api/catalog/entities/by-query?filter=${encodeURIComponent(
      filter,
    )}&limit=1`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  return (await response.json()).totalItems;
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const results = [];
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, status: 'passed', ms: Date.now() - started });
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      results.push({ name, status: 'failed', error: String(error) });
      console.log(`  ✗ ${name}: ${error}`);
      throw error;
    }
  };

  const port = await freePort();
  const { baseUrl, backend } = await startBackend(port);
  let browser;
  try {
    let token;
    await step('backend starts and the demo reaches the catalog', async () => {
      await waitFor(
        'backend readiness',
        async () =>
          (
            await fetch(`${baseUrl}/.backstage/health/v1/readiness`)
          ).ok,
        240_000,
      );
      token = await guestToken(baseUrl);
      await waitFor(
        '308 pipelines and 784 datasets in the catalog',
        async () =>
          (await catalogCount(
            baseUrl,
            token,
            'kind=component,spec.type=data-pipeline',
          )) === 308 &&
          (await catalogCount(baseUrl, token, 'kind=api,spec.type=dataset')) ===
            784,
        240_000,
      );
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    page.setDefaultTimeout(30_000);
    const shot = name =>
      page.screenshot({
        path: path.join(SHOTS, `${name}.png`),
        fullPage: true,
      });

    await step('signs in as the guest', async () => {
      await page.goto(baseUrl);
      await page.getByRole('button', { name: /enter/i }).first().click();
      await page.getByText('Catalog').first().waitFor();
    });

    await step('/pipelines filtered to a team', async () => {
      await page.goto(`${baseUrl}/pipelines`);
      await page.getByText(/\d+ pipelines/).waitFor();
      const owner = page.getByLabel('Owner');
      await owner.fill('group:default/royalties');
      await owner.press('Enter');
      await page.waitForURL(/owner=group%3Adefault%2Froyalties/);
      await waitFor(
        'only Royalties pipelines listed',
        async () => {
          const count = await page.getByText(/^\d+ pipelines?$/).textContent();
          const owners = await page
            .getByRole('table', { name: 'Pipelines' })
            .locator('tbody tr td:nth-child(2)')
            .allTextContents();
          return (
            parseInt(count, 10) < 308 &&
            owners.length > 0 &&
            owners.every(text => text.includes('Royalties'))
          );
        },
        30_000,
      );
      await shot('1-pipelines-royalties');
    });

    await step('a pipeline: runs and lineage', async () => {
      await page
        .getByRole('link', { name: 'royalties_reports.statements_kpis' })
        .click();
      await page.waitForURL(/\/catalog\/default\/component\/[^/]+$/);
      await page.getByText('Part of').first().waitFor();
      await page.goto(`${page.url()}/pipeline`);
      await page.getByText('Run history').waitFor();
      await page
        .getByRole('table')
        .getByText(/succeeded|failed/)
        .first()
        .waitFor();
      await page.getByText(/\d+ nodes/).waitFor();
      await shot('2-pipeline');
    });

    await step('a dataset: producers, schema and lineage', async () => {
      const datasetPath = await page.evaluate(
        async ({ base, bearer }) => {
          const response = await fetch(
            `${base}/api/catalog/entities/by-query?filter=${encodeURIComponent(
              'kind=api,metadata.annotations.tributary.dev/dataset-id=postgres://pg-serving.prod.tributary.internal:5432/royalties.public.statements_kpis',
            )}`,
            { headers: { Authorization: `Bearer ${bearer}` } },
          );
          const entity = (await response.json()).items[0];
          return `/catalog/default/api/${entity.metadata.name}/dataset`;
        },
        { base: baseUrl, bearer: token },
      );
      await page.goto(`${baseUrl}${datasetPath}`);
      await page
        .getByText('royalties_reports.statements_kpis')
        .first()
        .waitFor();
      await page.getByText(/\d+ nodes/).waitFor();
      await shot('3-dataset');
    });

    await step("a service's page shows its datasets", async () => {
      await page.goto(`${baseUrl}/catalog/default/component/royalties-service`);
      await page.getByText('Datasets', { exact: true }).first().waitFor();
      await page
        .getByText('royalties.public.statements_kpis')
        .first()
        .waitFor();
      await shot('4-service');
    });
  } catch {
    // Recorded by the failing step; the remaining steps did not run.
  } finally {
    await browser?.close();
    try {
      process.kill(-backend.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    fs.writeFileSync(
      path.join(RESULTS, 'e2e.json'),
      JSON.stringify({ tests: results }, null, 2),
    );
    console.log(`e2e screenshots: ${SHOTS}`);
  }
  process.exit(results.every(r => r.status === 'passed') ? 0 : 1);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
