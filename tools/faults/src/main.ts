// `npm run faults -- --duration 60 --scenario all`: the fault-injection suite by hand, with a
// longer load than CI runs. See tools/faults/README.md.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { renderSummary } from './report.ts';
import { selectScenarios } from './scenarios/index.ts';
import { runSuite } from './suite.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'all' },
    duration: { type: 'string', default: '60' },
    rate: { type: 'string', default: '2.5' },
    devices: { type: 'string', default: '2' },
    out: { type: 'string' },
  },
});

function number(name: string, raw: string | undefined, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    console.error(`--${name} must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

let scenarios;
try {
  scenarios = selectScenarios(values.scenario ?? 'all');
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const options = {
  durationS: number('duration', values.duration, 2, 3600),
  rate: number('rate', values.rate, 0.1, 8),
  devicesPerUser: Math.round(number('devices', values.devices, 1, 4)),
  log: (line: string) => console.log(line),
};
console.log(
  `fault suite: ${scenarios.length} scenario(s), ${options.durationS} s of load each, ${options.rate} actions/s per device, ` +
    `${options.devicesPerUser} devices per user, on ${cpus().length} cores`,
);
const { results, elapsedMs } = await runSuite(scenarios, options);
const summary = renderSummary(results, elapsedMs);
console.log(summary);
if (values.out) writeFileSync(values.out, `${summary}\n`);
const unexpected = results.filter((r) => r.passed === Boolean(r.scenario.expectedToFailUntil));
for (const r of unexpected) console.log(`unexpected verdict: [${r.scenario.number}] ${r.scenario.id}`);
process.exit(unexpected.length > 0 ? 1 : 0);
