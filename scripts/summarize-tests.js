/*
 * Prints the closing summary of scripts/test.sh from the runners' results and
 * exits non-zero when anything failed. The last line is "N passed, N failed".
 */
const fs = require('fs');
const path = require('path');

const [resultsDir, jestExitCode, elapsedSeconds] = process.argv.slice(2);
let passed = 0;
let failed = 0;

for (const check of ['typecheck', 'lint', 'prettier']) {
  const statusFile = path.join(resultsDir, `${check}.status`);
  const status = fs.existsSync(statusFile)
    ? fs.readFileSync(statusFile, 'utf8').trim()
    : 'failed';
  console.log(`${check}: ${status}`);
  if (status === 'passed') passed += 1;
  else failed += 1;
}

const jestFile = path.join(resultsDir, 'jest.json');
if (fs.existsSync(jestFile)) {
  const jest = JSON.parse(fs.readFileSync(jestFile, 'utf8'));
  const postgresTests = jest.testResults
    .flatMap(file => file.assertionResults)
    .filter(test => test.fullName.includes('POSTGRES_15'));
  const postgresPassed = postgresTests.filter(t => t.status === 'passed');
  console.log(
    `jest: ${jest.numPassedTests} passed, ${jest.numFailedTests} failed, ${jest.numPendingTests} skipped in ${jest.numTotalTestSuites} suites (${jest.numFailedTestSuites} suites failed)`,
  );
  console.log(
    `jest: ${postgresPassed.length} of ${postgresTests.length} store tests ran against PostgreSQL 15 and passed`,
  );
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
  // A suite that fails to load has no failed test; count it so it cannot hide.
  failed += jest.testResults.filter(
    file => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
  if (postgresTests.length === 0) {
    console.log('jest: no store test ran against PostgreSQL 15');
    failed += 1;
  }
} else {
  console.log('jest: no results were written');
  failed += 1;
}
if (jestExitCode !== '0' && failed === 0) {
  console.log(`jest exited with ${jestExitCode}`);
  failed += 1;
}

const e2eFile = path.join(resultsDir, 'e2e.json');
if (fs.existsSync(e2eFile)) {
  const { tests } = JSON.parse(fs.readFileSync(e2eFile, 'utf8'));
  const e2ePassed = tests.filter(test => test.status === 'passed').length;
  console.log(
    `e2e: ${e2ePassed} passed, ${
      tests.length - e2ePassed
    } failed (screenshots in ${path.join(resultsDir, 'e2e')})`,
  );
  passed += e2ePassed;
  failed += tests.length - e2ePassed;
  // A journey stops at its first failure: count it as failed, and as one.
  if (tests.length === 0) failed += 1;
} else {
  console.log('e2e: no results were written');
  failed += 1;
}

console.log(`total time: ${elapsedSeconds}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
