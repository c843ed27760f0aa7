import type pg from 'pg';

/**
 * A message body the suite's own database refuses: a trigger raises on it, as a constraint, a
 * bug or data the server cannot hold would. The writer must fail that one send alone, with a
 * non-retryable error, and commit the rest of its batch in order.
 */
export const POISON_BODY = 'poison: this body is refused by a trigger in the fault suite database';

/**
 * A message body whose transaction takes SLOW_COMMIT_MS to commit (a deferred trigger sleeps at
 * COMMIT). A node killed meanwhile leaves an ambiguous commit behind: Postgres commits, the ack
 * never leaves. The client must resend it elsewhere and get the original event back.
 */
export const SLOW_COMMIT_BODY = 'slow commit: a trigger in the fault suite database sleeps at COMMIT';
export const SLOW_COMMIT_MS = 1_500;

export async function installTriggers(db: pg.Pool): Promise<void> {
  await db.query(`
    CREATE FUNCTION faults_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.body = '${POISON_BODY}' THEN
        RAISE EXCEPTION 'fault suite: poison message refused' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$`);
  await db.query(`
    CREATE TRIGGER faults_refuse_poison BEFORE INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION faults_refuse_poison()`);
  await db.query(`
    CREATE FUNCTION faults_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.body = '${SLOW_COMMIT_BODY}' THEN
        PERFORM pg_sleep(${SLOW_COMMIT_MS / 1000});
      END IF;
      RETURN NULL;
    END $$`);
  // Deferred: it runs while COMMIT is being processed, after the node sent it.
  await db.query(`
    CREATE CONSTRAINT TRIGGER faults_slow_commit AFTER INSERT ON messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION faults_slow_commit()`);
}

/** Whether a transaction is sleeping in the slow-commit trigger right now. */
export async function slowCommitUnderWay(db: pg.Pool): Promise<boolean> {
  const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
  return Number(rows[0]?.n ?? 0) > 0;
}
