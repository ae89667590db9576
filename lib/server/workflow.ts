/** The web server's workflow and audit log, and the acting user of a request. */
import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { isSameOrigin } from '../auth/origin';
import { viewerOf } from '../auth/users';
import { clientAddress } from '../http/client-address';
import { AuditLog } from '../workflow/audit';
import { Workflow, type Actor } from '../workflow/transitions';
import { getArchive } from './archive';
import { currentUser } from './auth';

let workflow: Workflow | undefined;

export function getWorkflow(): Workflow {
  const { records, store } = getArchive();
  workflow ??= new Workflow(records, new AuditLog(store));
  return workflow;
}

/**
 * The signed-in user of a server action, as an actor; or a redirect to
 * sign-in. Every studio action starts here, so this is also where an action
 * proves it was sent from our own pages: proxy.ts refuses foreign requests
 * first, but large multipart posts (bulk import) bypass it so that their
 * bodies are not buffered twice. (What a commit sets off, indexing and
 * derivative jobs, is wired once in openArchive, lib/archive.ts.)
 */
export async function requireActor(): Promise<Actor> {
  const h = await headers();
  const { config } = getArchive();
  const reached = `${h.get('x-forwarded-proto') === 'https' ? 'https' : 'http'}://${h.get('host') ?? 'invalid.invalid'}/`;
  if (!isSameOrigin({ method: 'POST', url: reached, headers: h }, config.siteUrl)) redirect('/studio/login?error=origin');
  const user = await currentUser();
  if (!user) redirect('/studio/login');
  return { viewer: viewerOf(user), name: user.username, address: clientAddress(h, config) };
}
