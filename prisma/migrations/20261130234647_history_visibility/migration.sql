-- CreateEnum
CREATE TYPE "HistoryVisibility" AS ENUM ('all', 'since_joined');

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "history_visibility" "HistoryVisibility" NOT NULL DEFAULT 'all';

-- CreateTable
CREATE TABLE "member_periods" (
    "conversation_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "from_seq" BIGINT NOT NULL,
    "to_seq" BIGINT,

    CONSTRAINT "member_periods_pkey" PRIMARY KEY ("conversation_id","user_id","from_seq")
);

-- AddForeignKey
ALTER TABLE "member_periods" ADD CONSTRAINT "member_periods_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "member_periods" ADD CONSTRAINT "member_periods_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Membership periods are kept by Postgres itself, in the transaction that adds or removes a
-- member, whatever code (or person) does it. Additions and removals hold the conversation's row
-- lock (as every writer of its log does), so last_seq read here is the log head at that moment.

-- A new member's period starts at the next event: the system message that adds them. AFTER
-- INSERT, so an `INSERT ... ON CONFLICT DO NOTHING` of someone already a member starts nothing.
CREATE FUNCTION "parley_member_joined"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO member_periods (conversation_id, user_id, from_seq)
    VALUES (NEW.conversation_id, NEW.user_id,
            COALESCE((SELECT last_seq FROM conversations WHERE id = NEW.conversation_id), 0) + 1)
    ON CONFLICT (conversation_id, user_id, from_seq) DO UPDATE SET to_seq = NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER "members_period_start" AFTER INSERT ON "members"
  FOR EACH ROW EXECUTE FUNCTION "parley_member_joined"();

-- A removed member's period ends at the log head: they saw everything up to their removal.
CREATE FUNCTION "parley_member_left"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE member_periods
     SET to_seq = COALESCE((SELECT last_seq FROM conversations WHERE id = OLD.conversation_id), from_seq)
   WHERE conversation_id = OLD.conversation_id AND user_id = OLD.user_id AND to_seq IS NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER "members_period_end" AFTER DELETE ON "members"
  FOR EACH ROW EXECUTE FUNCTION "parley_member_left"();

-- Everyone who is a member now has been one from the start, as far as anyone can tell: the
-- conversations they are in keep showing them everything (the default, `all`, shows it anyway).
INSERT INTO member_periods (conversation_id, user_id, from_seq)
  SELECT conversation_id, user_id, 1 FROM members
  ON CONFLICT DO NOTHING;
