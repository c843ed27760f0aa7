-- CreateEnum
CREATE TYPE "MemberRole" AS ENUM ('owner', 'admin', 'member');

-- AlterTable
ALTER TABLE "members" ADD COLUMN     "role" "MemberRole" NOT NULL DEFAULT 'member';

-- Every existing group gets an owner: its creator if still a member, else its oldest member.
UPDATE "members" m SET "role" = 'owner'
  FROM "conversations" c
 WHERE c."id" = m."conversation_id" AND c."kind" = 'group' AND m."user_id" = c."created_by_id";

UPDATE "members" m SET "role" = 'owner'
  FROM (
    SELECT DISTINCT ON (m2."conversation_id") m2."conversation_id", m2."user_id"
      FROM "members" m2 JOIN "conversations" c ON c."id" = m2."conversation_id"
     WHERE c."kind" = 'group'
       AND NOT EXISTS (SELECT 1 FROM "members" o WHERE o."conversation_id" = m2."conversation_id" AND o."role" = 'owner')
     ORDER BY m2."conversation_id", m2."joined_at", m2."user_id"
  ) AS oldest
 WHERE m."conversation_id" = oldest."conversation_id" AND m."user_id" = oldest."user_id";
