/** tus resumable uploads: create (POST), resume (HEAD), send (PATCH), cancel (DELETE). */
import { getUploadServer } from '@/lib/server/uploads';

export const dynamic = 'force-dynamic';

function handle(request: Request): Promise<Response> {
  return getUploadServer().handleWeb(request);
}

export { handle as POST, handle as PATCH, handle as HEAD, handle as DELETE, handle as OPTIONS, handle as GET };
