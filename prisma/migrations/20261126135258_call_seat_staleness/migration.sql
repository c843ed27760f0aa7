-- AlterTable
ALTER TABLE "call_participants" ADD COLUMN     "stale_after" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "call_participants_stale_after_idx" ON "call_participants"("stale_after");
