-- DropIndex
DROP INDEX "conversations_last_message_at_idx";
