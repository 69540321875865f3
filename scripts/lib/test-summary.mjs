// Prints one plain closing line, 'tests: N passed, N failed, N skipped', over the JSON
// reports of every vitest suite of the run. A suite without a report, or a test file that
// failed before its tests ran (an import error, CI=true with a requirement missing), counts
// as one failure, so a broken suite can never look like a clean one. So does a run that
// failed outside any test (--status N, e.g. the global teardown's leak check).
// Usage: node scripts/lib/test-summary.mjs [--status N] report.json…
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let status = 0;
if (args[0] === '--status') {
  status = Number(args[1]);
  args.splice(0, 2);
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const path of args) {
  if (!existsSync(path)) {
    console.log(`no test report at ${path}: that suite did not finish`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    const failedInFile = (file.assertionResults ?? []).filter((t) => t.status === 'failed').length;
    if (file.status === 'failed' && failedInFile === 0) failed += 1;
  }
}
if (status !== 0 && failed === 0) {
  console.log('the run failed outside any test (see the errors above)');
  failed = 1;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
