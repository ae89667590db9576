/**
 * Accounts, kept in the archive's system area of the store
 * (system/users/<username>.json), so one bucket backs everything up.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AlreadyExistsError, NotFoundError, getJson, type ObjectStore } from '../storage';
import { ArchiveError } from '../errors';
import type { Role, Viewer } from '../access/policy';
import { VocabularyId } from '../records/schema';
import { MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from './password';

export const ROLES = ['admin', 'reviewer', 'officer', 'researcher'] as const satisfies readonly Role[];

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/, 'username: 2–40 letters, digits, dots, hyphens or underscores');

export const User = z.object({
  username: Username,
  displayName: z.string().trim().min(1).max(120),
  email: z.email().optional(),
  roles: z.array(z.enum(ROLES)).min(1),
  /** Ethnic-group ids of the communities this person belongs to (community protocols). */
  communities: z.array(VocabularyId).default([]),
  passwordHash: z.string().min(1),
  disabled: z.boolean().default(false),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type User = z.infer<typeof User>;

export const NewUser = User.pick({ username: true, displayName: true, email: true, roles: true, communities: true }).extend({
  password: z.string().min(MIN_PASSWORD_LENGTH, `password: at least ${MIN_PASSWORD_LENGTH} characters`).max(200),
});

export class UserExistsError extends ArchiveError {
  constructor(message: string) {
    super(message, { code: 'user-exists', status: 409 });
  }
}
export class UserNotFoundError extends ArchiveError {
  constructor(message: string) {
    super(message, { code: 'user-not-found', status: 404 });
  }
}

export function viewerOf(user: User): Viewer {
  return { kind: 'user', id: user.username, roles: user.roles, communities: user.communities };
}

export class UserStore {
  constructor(private readonly store: ObjectStore) {}

  private key(username: string): string {
    return `system/users/${Username.parse(username)}.json`;
  }

  async get(username: string): Promise<User | undefined> {
    const parsedName = Username.safeParse(username);
    if (!parsedName.success) return undefined;
    try {
      return User.parse(await getJson(this.store, this.key(parsedName.data)));
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async create(input: z.input<typeof NewUser>, now = new Date()): Promise<User> {
    const { password, ...fields } = NewUser.parse(input);
    const user = User.parse({ ...fields, passwordHash: await hashPassword(password), disabled: false, createdAt: now.toISOString(), updatedAt: now.toISOString() });
    try {
      await this.store.putIfAbsent(this.key(user.username), JSON.stringify(user, null, 2), { contentType: 'application/json' });
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new UserExistsError(`user ${user.username} already exists`);
      throw error;
    }
    return user;
  }

  private async change(username: string, edit: (user: User) => User | Promise<User>): Promise<User> {
    const current = await this.get(username);
    if (!current) throw new UserNotFoundError(`no user ${username}`);
    const next = User.parse({ ...(await edit(current)), updatedAt: new Date().toISOString() });
    await this.store.put(this.key(username), JSON.stringify(next, null, 2), { contentType: 'application/json' });
    return next;
  }

  async setPassword(username: string, password: string): Promise<User> {
    const checked = NewUser.shape.password.parse(password);
    return this.change(username, async (u) => ({ ...u, passwordHash: await hashPassword(checked), disabled: false }));
  }

  async setDisabled(username: string, disabled: boolean): Promise<User> {
    return this.change(username, (u) => ({ ...u, disabled }));
  }

  /** The user when the password is right and the account active; undefined otherwise (never says which). */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const user = await this.get(username);
    if (!user) {
      // Spend the same time as a real check, so timing does not tell which usernames exist.
      await verifyPassword(await dummyHash(), password);
      return undefined;
    }
    const ok = await verifyPassword(user.passwordHash, password);
    return ok && !user.disabled ? user : undefined;
  }

  async *list(): AsyncIterable<User> {
    for await (const item of this.store.list('system/users/')) {
      const user = await this.get(item.key.slice('system/users/'.length, -'.json'.length));
      if (user) yield user;
    }
  }
}

let dummy: Promise<string> | undefined;
/** A real hash of nothing anyone knows, made once, to verify against for unknown usernames. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64url'));
  return dummy;
}
