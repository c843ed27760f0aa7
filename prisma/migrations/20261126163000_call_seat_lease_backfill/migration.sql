-- Backfill: seats from before leases get one reconnect grace, so the sweep can free them.
UPDATE "call_participants" SET "stale_after" = now() + interval '15 seconds' WHERE "stale_after" IS NULL;
