// What a run prints: per scenario as it finishes, and one summary table at the end.
import { ms, type ScenarioResult } from './run-scenario.ts';

export function verdictOf(result: ScenarioResult): string {
  if (result.passed) return result.scenario.expectedToFailUntil ? 'PASS (expected to fail until landed: flip it)' : 'PASS';
  return result.scenario.expectedToFailUntil ? `FAIL (expected until ${result.scenario.expectedToFailUntil})` : 'FAIL';
}

export function renderScenario(result: ScenarioResult): string {
  const c = result.check.counts;
  const failed = Object.entries(c.failedByReason).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  const lines = [
    `  ${verdictOf(result)} [${result.scenario.number}] ${result.scenario.id} (${ms(result.elapsedMs)})`,
    `    actions written ${c.written}, acked ${c.acked} (+${c.ackedNoop} already in effect), left failed/waiting: ${failed}`,
    `    lost ${c.lost} · duplicated ${c.duplicated} · misplaced ${c.misplaced} · order violations ${c.orderViolations} · log gaps ${c.logGaps}`,
    `    deliveries missing ${c.deliveryMissing} · duplicated ${c.deliveryDuplicates} · wrong ${c.deliveryWrong} · folds differing from history ${c.foldMismatches} (of ${c.messagesCompared} messages compared)`,
    `    outbox unexplained ${c.unexplainedOutbox} · failed but stored ${c.failedButStored} · unexpected failures ${c.unexpectedFailures} · unexpected SDK errors ${c.unexpectedClientErrors}`,
    `    unplanned node exits ${c.unplannedExits} · uncaught errors ${c.uncaught}`,
    `    ${Object.entries(result.figures).map(([k, v]) => `${k}: ${v}`).join(' · ')}`,
  ];
  for (const bound of result.bounds) {
    const met = bound.measuredMs !== undefined && bound.measuredMs <= bound.documentedMs;
    lines.push(
      `    ${met ? 'met ' : 'MISS'} ${bound.name}: ${bound.measuredMs === undefined ? 'never' : ms(bound.measuredMs)} ` +
        `(documented ${ms(bound.documentedMs)}: ${bound.source}; asserted ≤ ${ms(bound.waitBoundMs)})`,
    );
  }
  for (const note of result.notes) lines.push(`    note: ${note}`);
  for (const violation of [...result.check.violations, ...result.violations]) lines.push(`    ✗ ${violation}`);
  return lines.join('\n');
}

export function renderSummary(results: readonly ScenarioResult[], elapsedMs: number): string {
  const rows = results.map((r) => {
    const c = r.check.counts;
    const f = r.figures;
    return `| ${r.scenario.number} ${r.scenario.id} | ${c.acked} | ${c.lost} | ${c.duplicated + c.deliveryDuplicates} | ${c.orderViolations} | ${c.deliveryMissing} | ${c.unexplainedOutbox} | ${c.unplannedExits} | ${f['fault end → first ack'] ?? '—'} | ${f['fault end → full recovery'] ?? '—'} | ${f['fault end → first chat_resync'] ?? '—'} | ${verdictOf(r)} |`;
  });
  return [
    '',
    `| scenario | acked | lost | duplicated | order violations | deliveries missing | outbox unexplained | unplanned exits | fault end → first ack | → full recovery | → chat_resync | verdict |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|`,
    ...rows,
    '',
    `${results.length} scenarios in ${ms(elapsedMs)}`,
  ].join('\n');
}
