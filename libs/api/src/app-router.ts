import { accountRouter } from './routers/account.ts';
import { authRouter } from './routers/auth.ts';
import { callsRouter } from './routers/calls.ts';
import { conversationsRouter } from './routers/conversations.ts';
import { messagesRouter } from './routers/messages.ts';
import { pushRouter } from './routers/push.ts';
import { usersRouter } from './routers/users.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  users: usersRouter,
  conversations: conversationsRouter,
  messages: messagesRouter,
  calls: callsRouter,
  push: pushRouter,
});

export type AppRouter = typeof appRouter;
