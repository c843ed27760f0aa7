/** What the connection indicator shows for one peer. */
export interface LinkQuality {
  /** Round-trip time of the selected candidate pair, in ms (null until measured). */
  rttMs: number | null;
  /** Share of inbound packets lost since the previous sample, in percent. */
  lossPct: number;
  level: 'good' | 'fair' | 'poor';
  /** Cumulative counters, so the next sample can compute loss over its own interval. */
  counters: { received: number; lost: number };
}

/** The subset of RTCStats fields read here (RTCStatsReport values are loosely typed). */
interface StatLike {
  type: string;
  id?: string;
  kind?: string;
  state?: string;
  nominated?: boolean;
  currentRoundTripTime?: number;
  packetsReceived?: number;
  packetsLost?: number;
  selectedCandidatePairId?: string;
}

const FAIR_RTT_MS = 250;
const POOR_RTT_MS = 600;
const FAIR_LOSS_PCT = 2;
const POOR_LOSS_PCT = 8;

/** Reduces one getStats() report to RTT and interval packet loss. Pure: unit tested. */
export function summarizeStats(stats: Iterable<StatLike>, previous?: LinkQuality['counters']): LinkQuality {
  const all = [...stats];
  const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair =
    all.find((s) => s.type === 'candidate-pair' && s.id === transport?.selectedCandidatePairId) ??
    all.find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
  const rttS = pair?.currentRoundTripTime;
  const rttMs = typeof rttS === 'number' ? Math.round(rttS * 1000) : null;
  let received = 0;
  let lost = 0;
  for (const s of all) {
    if (s.type !== 'inbound-rtp') continue;
    received += s.packetsReceived ?? 0;
    lost += Math.max(0, s.packetsLost ?? 0);
  }
  const dReceived = received - (previous?.received ?? 0);
  const dLost = lost - (previous?.lost ?? 0);
  const lossPct = dReceived + dLost > 0 ? Math.max(0, (dLost / (dReceived + dLost)) * 100) : 0;
  const level =
    lossPct >= POOR_LOSS_PCT || (rttMs ?? 0) >= POOR_RTT_MS
      ? 'poor'
      : lossPct >= FAIR_LOSS_PCT || (rttMs ?? 0) >= FAIR_RTT_MS
        ? 'fair'
        : 'good';
  return { rttMs, lossPct: Math.round(lossPct * 10) / 10, level, counters: { received, lost } };
}

export function qualityText(q: LinkQuality | undefined): string {
  if (q === undefined || q.rttMs === null) return 'Measuring…';
  const word = q.level === 'good' ? 'Good connection' : q.level === 'fair' ? 'Fair connection' : 'Poor connection';
  const rtt = q.rttMs === null ? '' : `, ${q.rttMs} ms`;
  const loss = q.lossPct > 0 ? `, ${q.lossPct}% loss` : '';
  return `${word}${rtt}${loss}`;
}
