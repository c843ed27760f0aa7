-- CreateEnum
CREATE TYPE "AccessChangeKind" AS ENUM ('membership', 'session');

-- CreateTable
CREATE TABLE "access_changes" (
    "id" BIGSERIAL NOT NULL,
    "kind" "AccessChangeKind" NOT NULL,
    "user_id" UUID NOT NULL,
    "conversation_id" UUID,
    "session_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "access_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "access_changes_created_at_idx" ON "access_changes"("created_at");

-- Every change to who may see a conversation or use a session is logged here by Postgres
-- itself, in the transaction that made it: removals, leaves and additions (members), sign-outs
-- and deleted sessions, including cascades and changes made by hand. Gateway nodes read the log
-- by id (apps/gateway/src/access/access-watch.ts).
--
-- The triggers are deferred to COMMIT and take one transaction-scoped advisory lock first, so
-- rows are numbered and committed in the same order: a reader that has seen id n has seen every
-- smaller id that will ever exist, and can keep a plain "id > last" cursor. The lock is held only
-- from the start of COMMIT to its end, and these changes are rare next to messages.
-- 72_707_370: one past Prisma's migration lock key (72707369), so the two are easy to tell apart.

CREATE FUNCTION "parley_log_membership_change"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed members%ROWTYPE;
BEGIN
  IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
  PERFORM pg_advisory_xact_lock(72707370);
  INSERT INTO access_changes (kind, user_id, conversation_id)
    VALUES ('membership', changed.user_id, changed.conversation_id);
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "members_access_change" AFTER INSERT OR DELETE ON "members"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "parley_log_membership_change"();

CREATE FUNCTION "parley_log_session_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(72707370);
  INSERT INTO access_changes (kind, user_id, session_id) VALUES ('session', OLD.user_id, OLD.id);
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "sessions_revoked_access_change" AFTER UPDATE OF "revoked_at" ON "sessions"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
  EXECUTE FUNCTION "parley_log_session_change"();

CREATE CONSTRAINT TRIGGER "sessions_deleted_access_change" AFTER DELETE ON "sessions"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "parley_log_session_change"();
