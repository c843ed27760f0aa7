-- AlterTable
ALTER TABLE "message_reactions" ADD COLUMN     "group_seq" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "seq" BIGINT NOT NULL DEFAULT 0;
