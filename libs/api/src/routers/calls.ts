import { iceServersFor } from '../calls/ice-servers.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const callsRouter = router({
  /**
   * STUN always, TURN with a fresh short-lived credential when configured. Clients fetch this
   * before each call (and again on ICE restart once `expiresAt` is near); no DB access.
   */
  iceServers: protectedProcedure.query(({ ctx }) => iceServersFor(ctx.ice, ctx.session.user.id)),
});
