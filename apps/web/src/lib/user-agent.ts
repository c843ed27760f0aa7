/**
 * "Firefox on Linux", "Safari on iOS": enough to tell one's own devices apart on the Sessions
 * page. A few ordered checks, no library: user agents only need the common browsers named
 * right, and anything else still shows as its raw string's first word.
 */
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bCriOS\/|\bChrome\/|\bHeadlessChrome\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/\bAndroid\b/, 'Android'],
  [/\biPhone\b|\biPad\b|\biPod\b/, 'iOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

export interface DeviceDescription {
  browser: string | null;
  os: string | null;
  /** What to show: "Chrome on Android", or the best that can be said. */
  label: string;
}

export function describeUserAgent(userAgent: string | null | undefined): DeviceDescription {
  const ua = userAgent?.trim() ?? '';
  if (ua === '') return { browser: null, os: null, label: 'Unknown device' };
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null;
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null;
  if (browser && os) return { browser, os, label: `${browser} on ${os}` };
  const known = browser ?? os;
  if (known !== null) return { browser, os, label: known };
  // An app or a script: its product token ("parley-bot/1.2", "curl/8.5").
  return { browser: null, os: null, label: (ua.split(/[\s(]/)[0] ?? ua).slice(0, 40) };
}
