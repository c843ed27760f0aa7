import { DisplayNameSchema, HandleSchema, PasswordSchema } from '@parley/protocol';

export interface AuthFields {
  handle: string;
  displayName: string;
  password: string;
}

export type FieldErrors = Partial<Record<keyof AuthFields, string>>;

/**
 * Checks before a round trip with the server's own schemas, so the inline messages match
 * what the API would say. Sign-in only checks presence: a wrong format is a wrong password.
 */
export function validateAuthFields(fields: AuthFields, mode: 'sign-in' | 'sign-up'): FieldErrors {
  const errors: FieldErrors = {};
  const handle = fields.handle.trim();
  if (mode === 'sign-in') {
    if (handle === '') errors.handle = 'Enter your handle';
    if (fields.password === '') errors.password = 'Enter your password';
    return errors;
  }
  const checks = [
    ['handle', HandleSchema.safeParse(handle)],
    ['displayName', DisplayNameSchema.safeParse(fields.displayName)],
    ['password', PasswordSchema.safeParse(fields.password)],
  ] as const;
  for (const [name, result] of checks) {
    if (!result.success) errors[name] = result.error.issues[0]?.message ?? 'Invalid value';
  }
  return errors;
}
