-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "ip" TEXT,
ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3);

-- Purging old sessions (apps/gateway/src/access/session-purge.ts) deletes rows that are already
-- revoked or expired: no socket can still use them (a revocation was logged when it happened,
-- and each socket closes itself at its session's expiry), so logging their deletion again would
-- only fill access_changes with rows every node reads for nothing. Deleting a live session
-- (account deletion, by hand) is still logged.
DROP TRIGGER "sessions_deleted_access_change" ON "sessions";
CREATE CONSTRAINT TRIGGER "sessions_deleted_access_change" AFTER DELETE ON "sessions"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND OLD.expires_at > now())
  EXECUTE FUNCTION "parley_log_session_change"();
