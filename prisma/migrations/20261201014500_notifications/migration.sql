-- CreateEnum
CREATE TYPE "NotifyLevel" AS ENUM ('all', 'mentions', 'none');

-- AlterTable
ALTER TABLE "members" ADD COLUMN     "notify" "NotifyLevel";

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "dnd_until" TIMESTAMPTZ(3);
