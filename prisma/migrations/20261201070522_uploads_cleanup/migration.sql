-- Never read: an upload's conversation is its message's.
ALTER TABLE "uploads" DROP COLUMN "conversation_id";

-- An image whose header read but whose pixels did not (truncated, corrupt) was kept with its
-- size and no thumbnail, and served inline. Only images decoded in full are images now: the
-- rest are files to download (width and height null, as for the other files).
UPDATE "uploads" SET "width" = NULL, "height" = NULL WHERE "width" IS NOT NULL AND "thumb_width" IS NULL;
