import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  emailSchema,
  loginInputSchema,
  passwordSchema,
  registerInputSchema,
  userNameSchema,
  userSchema,
} from '../src/index';
import { ids, rejectedPaths, rejectionOf, timestamp } from './fixtures';

/** A well-formed address (local part 64, domain labels ≤ 63) of 190 + `lastLabel` characters. */
function longEmail(lastLabel: number): string {
  return `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(lastLabel)}.com`;
}

describe('emailSchema', () => {
  it('trims and lower-cases, so uniqueness is case-insensitive', () => {
    expect(emailSchema.parse('  Ada.Lovelace@Example.COM\n')).toBe('ada.lovelace@example.com');
  });

  it(`accepts exactly ${LIMITS.emailMax} characters and refuses one more`, () => {
    const longest = longEmail(57);
    expect(longest).toHaveLength(254);
    expect(emailSchema.parse(longest)).toBe(longest);
    expect(longEmail(58)).toHaveLength(255);
    expect(emailSchema.safeParse(longEmail(58)).success).toBe(false);
  });

  it('measures the length after trimming', () => {
    expect(emailSchema.parse(`   ${longEmail(57).toUpperCase()}   `)).toBe(longEmail(57));
  });

  it.each([
    '',
    '   ',
    'ada',
    'ada@',
    '@example.com',
    'ada@example',
    'ada lovelace@example.com',
    'a..b@example.com',
  ])('rejects %j', (input) => {
    expect(emailSchema.safeParse(input).success).toBe(false);
  });

  it('says what is wrong in words', () => {
    expect(
      rejectionOf(registerInputSchema, { email: 'ada', name: 'Ada', password: 'long enough' }),
    ).toEqual({
      email: 'Must be a valid email address',
    });
  });
});

describe('userNameSchema', () => {
  it.each([
    ['a plain name', 'Ada', 'Ada'],
    ['surrounding whitespace', '  Ada Lovelace \t', 'Ada Lovelace'],
    ['100 characters', 'x'.repeat(100), 'x'.repeat(100)],
    ['100 characters once trimmed', ` ${'x'.repeat(100)} `, 'x'.repeat(100)],
  ])('accepts %s', (_case, input, expected) => {
    expect(userNameSchema.parse(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['tabs and newlines only', '\n\t'],
    ['101 characters', 'x'.repeat(101)],
  ])('rejects %s', (_case, input) => {
    expect(userNameSchema.safeParse(input).success).toBe(false);
  });
});

describe('passwordSchema', () => {
  it.each([
    [7, false],
    [8, true],
    [128, true],
    [129, false],
  ])('a password of %i characters is accepted: %s', (length, accepted) => {
    expect(passwordSchema.safeParse('p'.repeat(length)).success).toBe(accepted);
  });

  it('keeps spaces: a password is never trimmed', () => {
    expect(passwordSchema.parse('  secret  ')).toBe('  secret  ');
    expect(passwordSchema.safeParse('  short ').success).toBe(true);
    expect(passwordSchema.safeParse(' short ').success).toBe(false);
  });
});

describe('registerInputSchema and loginInputSchema', () => {
  it('normalises a registration', () => {
    expect(
      registerInputSchema.parse({
        email: ' Ada@Example.com ',
        name: ' Ada ',
        password: 'a long secret phrase',
      }),
    ).toEqual({ email: 'ada@example.com', name: 'Ada', password: 'a long secret phrase' });
  });

  it('reports every invalid field of a registration at once', () => {
    expect(
      rejectedPaths(registerInputSchema, { email: 'x', name: ' ', password: 'short' }).sort(),
    ).toEqual(['email', 'name', 'password']);
  });

  it('lets any non-empty password through to sign-in, so a wrong one gets INVALID_CREDENTIALS', () => {
    expect(loginInputSchema.parse({ email: 'ADA@example.com', password: 'x' })).toEqual({
      email: 'ada@example.com',
      password: 'x',
    });
    expect(rejectedPaths(loginInputSchema, { email: 'ada@example.com', password: '' })).toEqual([
      'password',
    ]);
    expect(
      rejectedPaths(loginInputSchema, { email: 'ada@example.com', password: 'p'.repeat(129) }),
    ).toEqual(['password']);
  });
});

describe('userSchema', () => {
  const user = {
    id: ids.user,
    email: 'ada@example.com',
    name: 'Ada',
    role: 'user',
    createdAt: timestamp,
    updatedAt: timestamp,
    lastLoginAt: null,
  };

  it('never carries a password hash to a client', () => {
    expect(userSchema.parse({ ...user, passwordHash: '$argon2id$v=19$…' })).not.toHaveProperty(
      'passwordHash',
    );
  });

  it.each(['superuser', 'Admin', ''])('rejects the unknown role %j', (role) => {
    expect(rejectedPaths(userSchema, { ...user, role })).toEqual(['role']);
  });
});
