import { Agent, type RequestOptions } from 'node:https';
import { connect } from 'node:tls';
import type { Duplex } from 'node:stream';

/**
 * An https Agent for the application server under test that sends its requests for Google's
 * push hosts to a fake on 127.0.0.1 (same TLS name, its certificate trusted) and refuses any
 * other host. The endpoints Chromium hands out name port 443, so rewriting the address alone
 * (a `lookup`) would not do: the fake listens on a free port, and tests run side by side.
 */
export class LoopbackPushAgent extends Agent {
  constructor(
    private readonly hosts: ReadonlySet<string>,
    private readonly port: number,
    ca: string,
  ) {
    super({ ca });
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? '').toLowerCase();
    if (!this.hosts.has(host)) {
      callback?.(new Error(`${host} is not served by the fake push backend on loopback`), undefined as unknown as Duplex);
      return undefined;
    }
    // `options` already carries this agent's `ca` (http.Agent merges its options in).
    return connect({ ...(options as Record<string, unknown>), host: '127.0.0.1', port: this.port, servername: host });
  }
}

export function createLoopbackPushAgent(options: { hosts: readonly string[]; port: number; certificatePem: string }): LoopbackPushAgent {
  return new LoopbackPushAgent(new Set(options.hosts), options.port, options.certificatePem);
}
