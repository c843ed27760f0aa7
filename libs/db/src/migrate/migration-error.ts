/** Why a migration run stopped. Each one needs an operator, so none is retried. */
export type MigrationErrorReason =
  /** An applied migration's file no longer matches the checksum recorded when it ran. */
  | 'checksum_mismatch'
  /** `_prisma_migrations` holds a failed, not rolled back attempt (e.g. from the stock CLI). */
  | 'failed_migration'
  /** The migration's SQL failed; its transaction was rolled back. */
  | 'apply_failed';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly reason: MigrationErrorReason,
    readonly migrationName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isMigrationError(value: unknown): value is MigrationError {
  return value instanceof MigrationError;
}
