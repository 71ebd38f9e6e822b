/*
 * End-to-end journeys against the built app served by the backend on the
 * embedded default (demo data), in Debian's Chromium. Writes screenshots and
 * .test-results/e2e.json (one result per journey step) for the summary.
 *
 *   node e2e/run.js            (after `yarn workspace app build`)
 */
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');
const {
  CHROMIUM_ARGS,
  startBackend,
  waitFor,
  waitForDemo,
} = require('./backend');

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, '.test-results');
const SHOTS = path.join(RESULTS, 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const results = [];
  /** Set once the page exists: saves what it shows when a step fails. */
  let saveFailure = async () => {};
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, status: 'passed', ms: Date.now() - started });
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      results.push({ name, status: 'failed', error: String(error) });
      console.log(`  ✗ ${name}: ${error}`);
      await saveFailure().catch(() => undefined);
      throw error;
    }
  };

  const { baseUrl, backend } = await startBackend(
    path.join(RESULTS, 'e2e-backend.log'),
  );
  let browser;
  try {
    let token;
    await step('backend starts and the demo reaches the catalog', async () => {
      token = await waitForDemo(baseUrl);
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
    });
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    page.setDefaultTimeout(30_000);
    page.on('pageerror', error =>
      console.log(`  page error: ${error.message}`),
    );
    saveFailure = () =>
      page.screenshot({
        path: path.join(SHOTS, 'failed-step.png'),
        fullPage: true,
      });
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
      await page.locator('a[href$="/pipeline"]').first().click();
      await page.waitForURL(/\/pipeline$/);
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
      // From the pipeline's lineage: its output's node opens the dataset's
      // catalog page, whose Dataset tab holds the rest.
      await page
        .getByRole('button', {
          name: 'Open royalties.public.statements_kpis in the catalog',
        })
        .first()
        .click();
      await page.waitForURL(/\/catalog\/default\/api\/[^/]+$/);
      await page.locator('a[href$="/dataset"]').first().click();
      await page.waitForURL(/\/dataset$/);
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

    // Backfills: the guest is in data-platform, which owns the first
    // pipeline and not the second.
    const ownedPipeline = 'simulated:demo:data_platform.export_sessions';
    const foreignPipeline = 'simulated:demo:royalties.export_statements';
    const pipelineTab = pipelineId =>
      page.evaluate(
        async ({ base, bearer, id }) => {
          const response = await fetch(
            `${base}/api/catalog/entities/by-query?filter=${encodeURIComponent(
              `kind=component,metadata.annotations.tributary.dev/pipeline-id=${id}`,
            )}`,
            { headers: { Authorization: `Bearer ${bearer}` } },
          );
          const entity = (await response.json()).items[0];
          return `/catalog/default/component/${entity.metadata.name}/pipeline`;
        },
        { base: baseUrl, bearer: token, id: pipelineId },
      );

    // A backfill request made by hand, from the page: its fetch carries
    // the guest's token, as a script of the signed-in user would.
    const postBackfill = (pipelineId, body) =>
      page.evaluate(
        async ({ base, bearer, id, request }) => {
          const response = await fetch(
            `${base}/api/pipelines/v1/pipelines/${encodeURIComponent(
              id,
            )}/backfills`,
            {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${bearer}`,
                'Content-Type': 'application/json',
              },
              body: JSON.stringify(request),
            },
          );
          return { status: response.status, body: await response.json() };
        },
        { base: baseUrl, bearer: token, id: pipelineId, request: body },
      );

    await step(
      'as an owner, backfills 5 partitions and watches them complete',
      async () => {
        await page.goto(`${baseUrl}${await pipelineTab(ownedPipeline)}`);
        await page
          .getByRole('button', { name: 'Backfill', exact: true })
          .click();
        const dialog = page.getByRole('dialog');
        // Five hourly partitions of yesterday, long finished.
        const hour = 3600_000;
        const start = new Date(
          Math.floor(Date.now() / hour) * hour - 30 * hour,
        );
        const local = date => date.toISOString().slice(0, 16);
        await dialog.getByLabel('First partition').fill(local(start));
        await dialog
          .getByLabel('End (exclusive)')
          .fill(local(new Date(start.getTime() + 5 * hour)));
        await dialog.getByLabel('Concurrency').fill('5');
        await dialog.getByText('5 partitions will run, 0 skipped').waitFor();
        await dialog
          .getByRole('table', { name: 'Backfill plan' })
          .locator('tbody tr')
          .nth(4)
          .waitFor();
        await shot('5-backfill-plan');
        await dialog.getByRole('button', { name: 'Start backfill' }).click();
        await dialog.waitFor({ state: 'hidden' });
        const backfills = page.getByRole('table', { name: 'Backfills' });
        await backfills
          .getByText(/\/5 done/)
          .first()
          .waitFor();
        // Every partition finished; the simulated scheduler may fail one
        // ("5/5 done, 1 failed"): its failure rate applies to reruns too.
        await backfills
          .getByText(/^5\/5 done/)
          .first()
          .waitFor({ timeout: 180_000 });
        await shot('6-backfill-done');
      },
    );

    await step(
      'as a non-owner, sees the Backfill button disabled with the reason',
      async () => {
        await page.goto(`${baseUrl}${await pipelineTab(foreignPipeline)}`);
        const button = page.getByRole('button', {
          name: 'Backfill',
          exact: true,
        });
        await button.waitFor();
        await waitFor('the button disabled', () => button.isDisabled(), 30_000);
        await page
          .getByText(/Only the owners of this pipeline .* and admins can/)
          .first()
          .waitFor();
        await shot('7-backfill-denied');
      },
    );

    await step(
      'the API answers 403 to a hand-made backfill of it',
      async () => {
        const answer = await postBackfill(foreignPipeline, {
          start: '2026-11-01T00:00:00Z',
          end: '2026-11-01T02:00:00Z',
          idempotencyKey: 'hand-made',
        });
        if (answer.status !== 403) {
          throw new Error(
            `Expected 403, got ${answer.status}: ${JSON.stringify(
              answer.body,
            )}`,
          );
        }
      },
    );

    await step(
      'a run finishing in the simulated scheduler updates the open pipeline tab',
      async () => {
        await page.goto(`${baseUrl}${await pipelineTab(ownedPipeline)}`);
        const runs = page
          .getByRole('table')
          .filter({ has: page.getByRole('columnheader', { name: 'Attempt' }) });
        await runs.locator('tbody tr').first().waitFor();
        const backfillChips = runs.getByText('Backfill', { exact: true });
        const before = await backfillChips.count();
        await page.evaluate(() => {
          window.tributaryPageNotReloaded = true;
        });
        // A backfill of a partition on the first page of runs, started behind
        // the page's back: only a signal can bring its run in.
        const hour = 3600_000;
        const partition = Math.floor(Date.now() / hour) * hour - 6 * hour;
        const { status } = await postBackfill(ownedPipeline, {
          start: new Date(partition).toISOString(),
          end: new Date(partition + hour).toISOString(),
          idempotencyKey: `live-${partition}`,
        });
        if (status !== 201) throw new Error(`Backfill answered ${status}`);
        await waitFor(
          'the backfill run in the runs table',
          async () => (await backfillChips.count()) > before,
          120_000,
        );
        const notReloaded = await page.evaluate(
          () => window.tributaryPageNotReloaded === true,
        );
        if (!notReloaded) throw new Error('The page was reloaded');
        await shot('8-live-update');
      },
    );

    await step(
      'the demo failing and late pipelines notify their owners',
      async () => {
        await page.goto(`${baseUrl}/notifications`);
        let loadedAt = Date.now();
        await waitFor(
          'failing and late notifications',
          async () => {
            const text = await page.locator('body').innerText();
            if (
              /data_platform\.export_devices failed \d+ times in a row/.test(
                text,
              ) &&
              /data_platform\.export_users is late/.test(text)
            ) {
              return true;
            }
            // The first evaluation runs a minute after start-up.
            if (Date.now() - loadedAt > 10_000) {
              await page.reload();
              loadedAt = Date.now();
            }
            return false;
          },
          180_000,
        );
        await shot('9-notifications');
      },
    );
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
