-- CreateEnum
CREATE TYPE "UploadState" AS ENUM ('pending', 'attached', 'discarded');

-- CreateTable
CREATE TABLE "uploads" (
    "id" UUID NOT NULL,
    "uploader_id" UUID NOT NULL,
    "state" "UploadState" NOT NULL DEFAULT 'pending',
    "message_id" UUID,
    "conversation_id" UUID,
    "position" INTEGER NOT NULL DEFAULT 0,
    "name" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "mime" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "thumb_width" INTEGER,
    "thumb_height" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "uploads_message_id_idx" ON "uploads"("message_id");

-- CreateIndex
CREATE INDEX "uploads_state_created_at_idx" ON "uploads"("state", "created_at");

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_uploader_id_fkey" FOREIGN KEY ("uploader_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "messages"("id") ON DELETE SET NULL ON UPDATE CASCADE;
