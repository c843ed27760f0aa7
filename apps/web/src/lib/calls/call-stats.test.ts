import { describe, expect, it } from 'vitest';
import { qualityText, summarizeStats } from './call-stats.ts';

describe('summarizeStats', () => {
  const report = (received: number, lost: number, rtt = 0.012) => [
    { type: 'transport', id: 't', selectedCandidatePairId: 'p1' },
    { type: 'candidate-pair', id: 'p0', state: 'failed', currentRoundTripTime: 9 },
    { type: 'candidate-pair', id: 'p1', state: 'succeeded', nominated: true, currentRoundTripTime: rtt },
    { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost },
  ];

  it('reads the selected pair and loss over the interval since the previous sample', () => {
    const first = summarizeStats(report(100, 0));
    expect(first).toMatchObject({ rttMs: 12, lossPct: 0, level: 'good' });
    const second = summarizeStats(report(190, 10), first.counters);
    expect(second.lossPct).toBe(10);
    expect(second.level).toBe('poor');
    expect(qualityText(second)).toBe('Poor connection, 12 ms, 10% loss');
  });

  it('rates a slow path fair', () => {
    expect(summarizeStats(report(10, 0, 0.3)).level).toBe('fair');
    expect(qualityText(undefined)).toBe('Measuring…');
    expect(qualityText({ ...summarizeStats([]), rttMs: null })).toBe('Measuring…');
  });
});
