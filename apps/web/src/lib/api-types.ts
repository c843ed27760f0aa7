// The one file that sees @parley/api, and only its types: the router runs on the gateway.
// Outputs are what arrives over plain JSON (no transformer), so dates are ISO strings.
// `import type` is erased at build time, so nothing server-side ships to the browser.
import type { AppRouter } from '@parley/api';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';

export type { AppRouter };
type Outputs = inferRouterOutputs<AppRouter>;

export type ApiClient = TRPCClient<AppRouter>;
export type ConversationSummary = Outputs['conversations']['list'][number];
export type LastMessage = NonNullable<ConversationSummary['lastMessage']>;
export type HistoryPage = Outputs['messages']['history'];
export type ConversationKind = ConversationSummary['kind'];
