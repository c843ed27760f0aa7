import { describe, expect, it } from 'vitest';
import { callEventText, callOutcomeText, formatCallDuration, formatCallTimer } from './call-text.ts';

describe('callEventText', () => {
  it('words every outcome', () => {
    expect(callEventText({ media: 'audio', endReason: 'missed', durationMs: 0 })).toBe('Missed audio call');
    expect(callEventText({ media: 'video', endReason: 'declined', durationMs: 0 })).toBe('Declined video call');
    expect(callEventText({ media: 'video', endReason: 'cancelled', durationMs: 0 })).toBe('Cancelled call');
    expect(callEventText({ media: 'video', endReason: 'completed', durationMs: 252_000 })).toBe('Video call, 4 min 12 s');
    expect(callEventText({ media: 'audio', endReason: 'completed', durationMs: 38_400 })).toBe('Audio call, 38 s');
    expect(callEventText({ media: 'audio', endReason: 'failed', durationMs: 0 })).toBe('Audio call failed');
  });
});

describe('formatCallDuration', () => {
  it('drops zero parts and rounds to the second', () => {
    expect(formatCallDuration(0)).toBe('0 s');
    expect(formatCallDuration(120_000)).toBe('2 min');
    expect(formatCallDuration(3_900_000)).toBe('1 h 5 min');
    expect(formatCallDuration(3_600_000)).toBe('1 h');
  });
});

describe('formatCallTimer', () => {
  it('is mm:ss, with hours past one hour', () => {
    expect(formatCallTimer(0)).toBe('00:00');
    expect(formatCallTimer(65_999)).toBe('01:05');
    expect(formatCallTimer(3_725_000)).toBe('1:02:05');
  });
});

describe('callOutcomeText', () => {
  it('tells the caller what happened to the ring', () => {
    expect(callOutcomeText('declined', true)).toBe('Declined');
    expect(callOutcomeText('missed', true)).toBe('No answer');
    expect(callOutcomeText('completed', true)).toBe('Call ended');
    expect(callOutcomeText('answered_elsewhere', false)).toBe('Answered on another device');
  });
});
