import { handleLogin } from '@/lib/auth/login';
import { getArchive } from '@/lib/server/archive';
import { getAuth } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return handleLogin(getArchive(), getAuth(), request);
}
