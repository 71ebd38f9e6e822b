/*
 * The backend on the embedded default (demo data) on a free port, serving the
 * built app, for the e2e journeys and the browser benchmark.
 */
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const YARN = path.join(ROOT, '.yarn/releases/yarn-4.13.0.cjs');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

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

async function startBackend(logFile) {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const configFile = path.join(os.tmpdir(), `tributary-e2e-${port}.yaml`);
  fs.writeFileSync(
    configFile,
    [
      'app:',
      `  baseUrl: ${baseUrl}`,
      // The app built in this checkout: by its name the backend would find
      // the one its dependencies resolve to, in another checkout when
      // node_modules is shared (a git worktree).
      `  packageName: ${path.join(ROOT, 'packages/app')}`,
      'backend:',
      `  baseUrl: ${baseUrl}`,
      '  listen:',
      `    port: ${port}`,
      '  cors:',
      `    origin: ${baseUrl}`,
      '',
    ].join('\n'),
  );
  const log = fs.openSync(logFile, 'w');
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

async function ownedPipelineCount(baseUrl, token, owner) {
  const response = await fetch(
    `${baseUrl}/api/pipelines/v1/pipelines?owner=${encodeURIComponent(
      owner,
    )}&limit=1`,
    { headers: { Authorization: `Bearer ${token}` } },
  );
  return (await response.json()).totalCount;
}

/**
 * Waits until the demo is in the catalog and its owners are resolved (the
 * ownership sync runs every minute, so the org may land between two runs);
 * answers a guest token.
 */
async function waitForDemo(baseUrl) {
  await waitFor(
    'backend readiness',
    async () => (await fetch(`${baseUrl}/.backstage/health/v1/readiness`)).ok,
    240_000,
  );
  const token = await guestToken(baseUrl);
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
  await waitFor(
    'the OpenLineage pipelines of the royalties team resolved to it',
    async () =>
      (await ownedPipelineCount(baseUrl, token, 'group:default/royalties')) >
      20,
    180_000,
  );
  return token;
}

module.exports = { CHROMIUM_ARGS, startBackend, waitFor, waitForDemo };
