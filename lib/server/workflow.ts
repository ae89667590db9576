/** The web server's workflow and audit log, and the acting user of a request. */
import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { viewerOf } from '../auth/users';
import { AuditLog } from '../workflow/audit';
import { Workflow, type Actor } from '../workflow/transitions';
import { getArchive } from './archive';
import { getSearchIndex } from './search';
import { getDerivativeJobs } from './jobs';
import { currentUser } from './auth';

let workflow: Workflow | undefined;

export function getWorkflow(): Workflow {
  const { records, store } = getArchive();
  workflow ??= new Workflow(records, new AuditLog(store));
  return workflow;
}

/** The signed-in user as an actor, or a redirect to sign-in. Opens the search index first, so this process's commits update it. */
export async function requireActor(): Promise<Actor> {
  await getSearchIndex();
  getDerivativeJobs();
  const user = await currentUser();
  if (!user) redirect('/studio/login');
  const h = await headers();
  return { viewer: viewerOf(user), name: user.username, address: h.get('x-forwarded-for')?.split(',')[0]?.trim() || undefined };
}
