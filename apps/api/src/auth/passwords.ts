import { randomBytes } from 'node:crypto';
import { hash, verify, type Options } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { PasswordHasher } from '@taskboard/api/host';

export type { PasswordHasher } from '@taskboard/api/host';

/**
 * OWASP's argon2id parameters (SPEC.md): 19 MiB, 2 passes, 1 lane. The algorithm is the
 * library's default, argon2id (its `Algorithm` is an ambient const enum, which
 * `isolatedModules` cannot reference); the tests check the `$argon2id$` prefix.
 */
const ARGON2_OPTIONS: Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/**
 * zxcvbn-ts's list of common passwords (about 49,000 from leaked-password corpora, ranked
 * by frequency, all lower case), decompressed by the package itself when it is imported.
 * Only those a user could pick here matter: the schema already refuses fewer than 8 chars.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common'].filter((password) => password.length >= 8),
);

/**
 * argon2id via `@node-rs/argon2`: `hash` and `verify` run on the libuv thread pool, so a
 * sign-in never blocks the event loop.
 */
export function createPasswordHasher(): PasswordHasher {
  // An unknown email is checked against this hash, so it costs what a real check costs and
  // the answer time does not reveal whether the account exists. Computed once, on first need.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = () => {
    dummyHash ??= hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
    return dummyHash;
  };

  return {
    hash(password) {
      return hash(password, ARGON2_OPTIONS);
    },
    async verify(passwordHash, password) {
      if (passwordHash === null) {
        await verify(await getDummyHash(), password);
        return false;
      }
      return verify(passwordHash, password);
    },
    isCommon(password) {
      return COMMON_PASSWORDS.has(password.toLowerCase());
    },
  };
}
