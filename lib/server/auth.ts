/** The web server's view of who is asking: one set of auth services per process. */
import 'server-only';
import { cookies } from 'next/headers';
import { ANONYMOUS, type Viewer } from '../access/policy';
import { authServices, userOf, type AuthServices } from '../auth/login';
import { SESSION_COOKIE } from '../auth/sessions';
import { viewerOf, type User } from '../auth/users';
import { getArchive } from './archive';

let services: AuthServices | undefined;

export function getAuth(): AuthServices {
  services ??= authServices(getArchive());
  return services;
}

export async function currentUser(): Promise<User | undefined> {
  return userOf(getAuth(), (await cookies()).get(SESSION_COOKIE)?.value);
}

export async function currentViewer(): Promise<Viewer> {
  const user = await currentUser();
  return user ? viewerOf(user) : ANONYMOUS;
}
