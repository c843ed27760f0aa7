// The API's wire types, in one file. @parley/api's AppRouter did not type-check yet when this
// app was written (@parley/db had no index), so the shapes are declared here from the API
// contract. To switch: `import type { AppRouter } from '@parley/api'` and derive each type
// from `inferRouterOutputs<AppRouter>`; `ApiClient` becomes `TRPCClient<AppRouter>`.
import type { Message, PublicUser } from '@parley/protocol';

export type ConversationKind = 'direct' | 'group';

/** Dates are ISO strings: the API uses plain JSON, no transformer. */
export interface LastMessage extends Message {
  senderDisplayName: string;
}

export interface ConversationSummary {
  id: string;
  kind: ConversationKind;
  /** null for direct conversations: show the other member's display name. */
  title: string | null;
  members: PublicUser[];
  lastSeq: number;
  lastReadSeq: number;
  unreadCount: number;
  lastMessage: LastMessage | null;
  lastActivityAt: string;
}

export interface HistoryPage {
  /** Ascending seq. */
  messages: Message[];
  hasMore: boolean;
}

interface Query<I, O> {
  query: (input: I) => Promise<O>;
}
interface Mutation<I, O> {
  mutate: (input: I) => Promise<O>;
}

/** The procedures this app calls, shaped like tRPC's vanilla client proxy. */
export interface ApiClient {
  auth: {
    signUp: Mutation<{ handle: string; displayName: string; password: string }, { user: PublicUser }>;
    signIn: Mutation<{ handle: string; password: string }, { user: PublicUser }>;
    signOut: Mutation<void, unknown>;
    me: Query<void, { user: PublicUser } | null>;
  };
  users: {
    search: Query<{ query: string }, PublicUser[]>;
  };
  conversations: {
    list: Query<void, ConversationSummary[]>;
    get: Query<{ conversationId: string }, ConversationSummary>;
    openDirect: Mutation<{ userId: string }, { conversationId: string }>;
    createGroup: Mutation<{ title: string; memberIds: string[] }, { conversationId: string }>;
    addMembers: Mutation<{ conversationId: string; userIds: string[] }, unknown>;
    removeMember: Mutation<{ conversationId: string; userId: string }, unknown>;
  };
  messages: {
    history: Query<{ conversationId: string; beforeSeq?: number; limit?: number }, HistoryPage>;
  };
}
