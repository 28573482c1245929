import { signedInSchema, type SignedIn } from '@taskboard/schema';
import { restCall } from './rest';

/**
 * The one password of every test account: long and uncommon enough for the API's password
 * rules (SPEC.md: 8–128 characters, not a common password).
 */
export const TEST_PASSWORD = 'correct horse battery staple';

let sequence = 0;
/**
 * An address nobody has used yet: suites share a database for a whole run (and with Redis,
 * sign-in counters outlive it), so every account gets its own.
 */
export function uniqueEmail(name: string): string {
  sequence += 1;
  const local = name.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'user';
  return `${local}-${Date.now()}-${process.pid}-${sequence}@example.com`;
}

/** A registered account: what registration answered, and how to sign in again. */
export interface TestAccount extends SignedIn {
  email: string;
  name: string;
  password: string;
}

/** Registers a fresh account (unique email, TEST_PASSWORD) through the API's REST surface. */
export async function registerUser(apiUrl: string, name = 'Ada'): Promise<TestAccount> {
  const email = uniqueEmail(name);
  const signedIn = await restCall(apiUrl, 'POST', '/auth/register', null, signedInSchema, {
    email,
    name,
    password: TEST_PASSWORD,
  });
  return { ...signedIn, email, name, password: TEST_PASSWORD };
}
