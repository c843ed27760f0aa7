// A message the database refuses, in the middle of a burst: only it fails, for good (a client
// must not resend it forever), and the rest of the burst, its sender's later sends included,
// is stored in the order written.
import { POISON_BODY } from '../env/db-triggers.ts';
import { ms } from '../run-scenario.ts';
import type { Scenario } from '../scenario.ts';
import { nth } from '../util.ts';

const AROUND = 6;

export const poisonMessage: Scenario = {
  number: 7,
  id: 'poison',
  title: 'a poison message (refused by a database trigger) in the middle of a burst',
  expectedFailures: ['invalid'],
  async inject(ctx) {
    const sender = nth(ctx.cast.devices, 2);
    const conversationId = ctx.cast.conversations.everyone;
    const startedAt = Date.now();
    ctx.workload.burst(10);
    const before = Array.from({ length: AROUND }, (_, i) => sender.act(conversationId, { type: 'send', body: `${sender.label} before the poison ${i}` }));
    const poison = sender.act(conversationId, { type: 'send', body: POISON_BODY });
    const after = Array.from({ length: AROUND }, (_, i) => sender.act(conversationId, { type: 'send', body: `${sender.label} after the poison ${i}` }));
    const endedAt = Date.now();
    return {
      startedAt,
      endedAt,
      notes: [`${sender.label} wrote ${AROUND} sends, the poison, ${AROUND} sends, into "everyone", during a burst of 10 sends per device`],
      async verify() {
        const violations: string[] = [];
        const failure = sender.failures.get(poison.clientId);
        if (sender.acks.has(poison.clientId)) violations.push('the poison message was acked');
        else if (failure?.reason !== 'invalid' || failure.code !== 'invalid_input') {
          violations.push(`the poison message ended ${failure ? `failed: ${failure.reason} (${failure.code})` : 'unanswered'}, not failed with invalid_input`);
        }
        const others = ctx.cast.devices.flatMap((d) => [...d.failures].filter(([clientId, f]) => f.reason === 'invalid' && clientId !== poison.clientId).map(([clientId]) => `${d.label} ${clientId}`));
        if (others.length > 0) violations.push(`besides the poison, refused as invalid: ${others.join(', ')}`);
        for (const entry of [...before, ...after]) {
          if (!sender.acks.get(entry.clientId)?.event) violations.push(`${sender.label}'s send ${entry.clientId} around the poison was not stored`);
        }
        const figures: Record<string, string> = {
          'burst start → poison refused': ms(failure ? failure.at - startedAt : undefined),
          'poison error code': failure?.code ?? '—',
        };
        return { violations, figures, bounds: [] };
      },
    };
  },
};
