import { describe, expect, it } from 'vitest';
import { decodeMediaState, encodeMediaState } from './media-state.ts';

describe('media state messages', () => {
  it('round-trips and ignores junk', () => {
    const state = { micOn: false, cameraOn: true, sharing: false };
    expect(decodeMediaState(encodeMediaState(state))).toEqual(state);
    expect(decodeMediaState('{"micOn":"no"}')).toBeNull();
    expect(decodeMediaState('not json')).toBeNull();
    expect(decodeMediaState(new ArrayBuffer(2))).toBeNull();
  });
});
