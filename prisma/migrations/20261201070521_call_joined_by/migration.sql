-- Everyone who ever held a seat in a call (the caller first): the "missed call" push skips them.
ALTER TABLE "calls" ADD COLUMN     "joined_by" UUID[] DEFAULT ARRAY[]::UUID[];

-- Calls live during the upgrade: their caller and whoever is seated now (earlier leavers of a
-- running call are not known; at worst they get a "missed call" push when it ends).
UPDATE "calls" c
   SET "joined_by" = ARRAY(SELECT c."caller_id" UNION SELECT p."user_id" FROM "call_participants" p WHERE p."call_id" = c."id")
 WHERE c."state" IN ('ringing', 'active');
