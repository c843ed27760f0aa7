import type { ClientStatus } from './connection.ts';

/**
 * What a UI shows about the connection:
 * - `connecting`: the first connection is being made;
 * - `online`: connected (hello_ok), and no sign of trouble;
 * - `offline`: the device reports no network (`reportNetworkChange(false)`), and the socket has
 *   not proved otherwise: "Waiting for connection…";
 * - `reconnecting`: the connection dropped (or was found dead) and is being made again;
 * - `stopped`: not connecting at all (`close()`, signed out, or this build is too old).
 */
export type Connectivity = 'connecting' | 'online' | 'offline' | 'reconnecting' | 'stopped';

export interface ConnectivityChange {
  state: Connectivity;
  previous: Connectivity;
}

export function connectivityOf(status: ClientStatus, networkOnline: boolean): Connectivity {
  if (status === 'idle' || status === 'closed') return 'stopped';
  if (!networkOnline) return 'offline';
  if (status === 'open') return 'online';
  return status;
}
