// The people of one scenario: a few users with a few devices each, spread over both nodes, in
// a few group and direct conversations. Fresh for every scenario, so each one is checked alone.
import { randomBytes } from 'node:crypto';
import type { Environment } from '../env/environment.ts';
import { createDevice, type Device } from './device.ts';
import { nth } from '../util.ts';
import { createGroup, openDirect, signIn, signUp, type Session } from './http.ts';

export interface Person {
  index: number;
  handle: string;
  userId: string;
  devices: Device[];
}

export interface Conversations {
  /** A group of all four users. */
  everyone: string;
  /** A group of users 0, 1 and 2. */
  trio: string;
  direct01: string;
  direct23: string;
}

export interface Cast {
  people: Person[];
  devices: Device[];
  conversations: Conversations;
  /** Conversation id -> member user ids at the start. */
  members: Map<string, string[]>;
  connectAll(): void;
  closeAll(): void;
}

export const USERS = 4;

export async function createCast(env: Environment, tag: string, devicesPerUser: number): Promise<Cast> {
  const origin = env.nodes[0].running ? env.nodes[0].origin : env.nodes[1].origin;
  const run = randomBytes(3).toString('hex');
  const handles = Array.from({ length: USERS }, (_, i) => `f${run}_${tag}_u${i}`.slice(0, 32));
  // Argon2id makes sign-up deliberately slow: two at a time on two cores.
  const firstSessions: Session[] = [];
  for (let i = 0; i < handles.length; i += 2) firstSessions.push(...(await Promise.all(handles.slice(i, i + 2).map((h) => signUp(origin, h)))));
  const sessions: Session[][] = [];
  for (const [i, first] of firstSessions.entries()) {
    const more: Session[] = [];
    for (let d = 1; d < devicesPerUser; d++) more.push(await signIn(origin, nth(handles, i)));
    sessions.push([first, ...more]);
  }
  const [u0, u1, u2, u3] = [0, 1, 2, 3].map((i) => nth(firstSessions, i)) as [Session, Session, Session, Session];
  const conversations: Conversations = {
    everyone: await createGroup(origin, u0.cookie, `everyone ${tag}`, [u1.user.id, u2.user.id, u3.user.id]),
    trio: await createGroup(origin, u1.cookie, `trio ${tag}`, [u0.user.id, u2.user.id]),
    direct01: await openDirect(origin, u0.cookie, u1.user.id),
    direct23: await openDirect(origin, u2.cookie, u3.user.id),
  };
  const members = new Map<string, string[]>([
    [conversations.everyone, [u0.user.id, u1.user.id, u2.user.id, u3.user.id]],
    [conversations.trio, [u0.user.id, u1.user.id, u2.user.id]],
    [conversations.direct01, [u0.user.id, u1.user.id]],
    [conversations.direct23, [u2.user.id, u3.user.id]],
  ]);
  const people: Person[] = handles.map((handle, index) => {
    const userId = nth(firstSessions, index).user.id;
    const mine = [...members].filter(([, m]) => m.includes(userId)).map(([id]) => id);
    const devices = nth(sessions, index).map((session, d) =>
      createDevice({
        label: `u${index}d${d}`,
        session,
        // Each person has devices on both nodes; neighbours start on different nodes.
        home: (index + d) % env.nodes.length,
        router: env.router,
        conversations: mine,
      }),
    );
    return { index, handle, userId, devices };
  });
  const devices = people.flatMap((p) => p.devices);
  return {
    people,
    devices,
    conversations,
    members,
    connectAll: () => devices.forEach((d) => d.connect()),
    closeAll: () => devices.forEach((d) => d.close()),
  };
}
