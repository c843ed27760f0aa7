import { describe, expect, it } from 'vitest';
import { checkPushEndpoint, DEFAULT_PUSH_HOSTS, type PushEndpointPolicy } from './push-endpoint.ts';

const vendors: PushEndpointPolicy = { hosts: DEFAULT_PUSH_HOSTS, allowLoopback: false };
const refusal = (endpoint: string, policy = vendors) => {
  try {
    checkPushEndpoint(endpoint, policy);
    return null;
  } catch (error) {
    return (error as { code: string; message: string }).message;
  }
};

describe('checkPushEndpoint', () => {
  it("accepts the browser vendors' push services, subdomains included", () => {
    expect(refusal('https://fcm.googleapis.com/fcm/send/abc:def')).toBeNull();
    // What Chromium's non-Stable channels (and Debian's Chromium) hand out.
    expect(refusal('https://jmt17.google.com/fcm/send/abc:def')).toBeNull();
    expect(refusal('https://accounts.google.com/x')).toBe('This server does not send pushes to accounts.google.com');
    expect(refusal('https://updates.push.services.mozilla.com/wpush/v2/gAAA')).toBeNull();
    expect(refusal('https://web.push.apple.com/QGx')).toBeNull();
    expect(refusal('https://wns2-par02p.notify.windows.com/w/?token=x')).toBeNull();
  });

  it('refuses what is not an https URL, with a message that says so', () => {
    expect(refusal('not a url')).toBe('The push endpoint is not a URL');
    expect(refusal('http://fcm.googleapis.com/fcm/send/x')).toBe('A push endpoint must be an https URL');
    expect(refusal('https://user:pw@fcm.googleapis.com/x')).toBe('A push endpoint must not carry credentials');
  });

  it('refuses other hosts (the server must not be aimed at internal addresses)', () => {
    expect(refusal('https://evil.example/x')).toBe('This server does not send pushes to evil.example');
    expect(refusal('https://fcm.googleapis.com.evil.example/x')).toBe('This server does not send pushes to fcm.googleapis.com.evil.example');
    expect(refusal('https://10.0.0.1/x', { hosts: 'any', allowLoopback: false })).toBe('This server does not send pushes to 10.0.0.1');
    expect(refusal('https://push.example.org/x', { hosts: 'any', allowLoopback: false })).toBeNull();
  });

  it('takes loopback only when allowed (tests running their own push service)', () => {
    expect(refusal('https://127.0.0.1:4443/push/1')).toBe('This server does not send pushes to loopback addresses');
    expect(refusal('https://localhost/push/1')).toBe('This server does not send pushes to loopback addresses');
    expect(refusal('https://127.0.0.1:4443/push/1', { hosts: [], allowLoopback: true })).toBeNull();
    expect(refusal('http://127.0.0.1:4443/push/1', { hosts: [], allowLoopback: true })).toBe('A push endpoint must be an https URL');
  });
});
