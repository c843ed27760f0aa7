/**
 * A clientId for a send. `crypto.randomUUID` exists in browsers only on secure origins, so
 * plain-http development falls back to 128 random bits in hex (still matches ClientIdSchema).
 */
export function randomClientId(): string {
  const { crypto } = globalThis;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
