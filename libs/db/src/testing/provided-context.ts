// Types the value global-setup.ts hands to test workers (vitest provide/inject).
declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser connection to the test Postgres server (its `postgres` database). */
    parleyAdminDatabaseUrl: string;
  }
}

export {};
