-- CreateIndex
CREATE INDEX "call_participants_connection_id_idx" ON "call_participants"("connection_id");
