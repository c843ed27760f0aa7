// Fails (exit 1) unless a vitest JSON report shows every test passed. The web-e2e vitest
// process exits 0 even when tests fail (something in the in-process gateway/Next.js server
// overrides the exit code), so the `test` target checks the report instead of trusting it.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`check-vitest-report: cannot read ${file}: ${error.message}`);
  process.exit(1);
}
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
if (!report.success || failed > 0 || (report.numPassedTests ?? 0) === 0) {
  console.error(`check-vitest-report: ${file}: ${report.numFailedTests} failed test(s), ${report.numPassedTests} passed`);
  process.exit(1);
}
console.log(`check-vitest-report: ${file}: all ${report.numPassedTests} tests passed`);
