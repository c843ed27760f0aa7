import { describe, expect, it } from 'vitest';
import { validateAuthFields } from './auth-validation.ts';

describe('validateAuthFields', () => {
  it('reports each bad sign-up field with the server schema message', () => {
    const errors = validateAuthFields({ handle: 'No Caps', displayName: ' ', password: 'short' }, 'sign-up');
    expect(errors.handle).toMatch(/lowercase/);
    expect(errors.displayName).toBe('Display name is required');
    expect(errors.password).toMatch(/at least 8/);
  });

  it('accepts a valid sign-up and only checks presence on sign-in', () => {
    expect(validateAuthFields({ handle: 'ana_l', displayName: 'Ana', password: 'longenough' }, 'sign-up')).toEqual({});
    expect(validateAuthFields({ handle: 'X', displayName: '', password: 'x' }, 'sign-in')).toEqual({});
    expect(validateAuthFields({ handle: '', displayName: '', password: '' }, 'sign-in')).toMatchObject({ handle: 'Enter your handle' });
  });
});
