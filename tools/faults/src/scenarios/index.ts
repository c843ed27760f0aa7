import type { Scenario } from '../scenario.ts';
import { killNode, terminateNode } from './node-faults.ts';
import { poisonMessage } from './poison.ts';
import { stopPostgres, terminateBackends } from './postgres-faults.ts';
import { killRedis, pauseRedis } from './redis-faults.ts';
import { revocation } from './revocation.ts';

/** Issue 7's scenarios, in its order. */
export const SCENARIOS: readonly Scenario[] = [killNode, stopPostgres, terminateBackends, pauseRedis, killRedis, terminateNode, poisonMessage, revocation];

/** `all`, or a comma-separated list of numbers or ids (`1,redis-stop,poison`). */
export function selectScenarios(spec: string): Scenario[] {
  if (spec.trim() === 'all') return [...SCENARIOS];
  const wanted = spec.split(',').map((s) => s.trim()).filter(Boolean);
  return wanted.map((w) => {
    const found = SCENARIOS.find((s) => String(s.number) === w || s.id === w);
    if (!found) throw new Error(`unknown scenario "${w}": use all, 1-${SCENARIOS.length} or one of ${SCENARIOS.map((s) => s.id).join(', ')}`);
    return found;
  });
}
