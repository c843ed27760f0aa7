-- CreateEnum
CREATE TYPE "CallMedia" AS ENUM ('audio', 'video');

-- CreateEnum
CREATE TYPE "CallState" AS ENUM ('ringing', 'active', 'ended');

-- CreateEnum
CREATE TYPE "CallEndReason" AS ENUM ('missed', 'declined', 'cancelled', 'completed', 'failed');

-- AlterEnum
ALTER TYPE "MessageKind" ADD VALUE 'call';

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "meta" JSONB;

-- CreateTable
CREATE TABLE "calls" (
    "id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "caller_id" UUID NOT NULL,
    "media" "CallMedia" NOT NULL,
    "state" "CallState" NOT NULL DEFAULT 'ringing',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answered_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" "CallEndReason",
    "declined_by" UUID[] DEFAULT ARRAY[]::UUID[],

    CONSTRAINT "calls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "call_participants" (
    "call_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "connection_id" TEXT NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "call_participants_pkey" PRIMARY KEY ("call_id","user_id")
);

-- CreateIndex
CREATE INDEX "calls_conversation_id_state_idx" ON "calls"("conversation_id", "state");

-- CreateIndex
CREATE INDEX "calls_state_started_at_idx" ON "calls"("state", "started_at");

-- AddForeignKey
ALTER TABLE "calls" ADD CONSTRAINT "calls_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "calls" ADD CONSTRAINT "calls_caller_id_fkey" FOREIGN KEY ("caller_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "call_participants" ADD CONSTRAINT "call_participants_call_id_fkey" FOREIGN KEY ("call_id") REFERENCES "calls"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "call_participants" ADD CONSTRAINT "call_participants_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
