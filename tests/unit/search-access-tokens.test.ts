import { describe, expect, it } from 'vitest';
import { maySeeRecord, recordAccessTokens, viewerAccessTokens, type Role, type Viewer } from '@/lib/access/policy';
import { ACCESS_LEVELS, RECORD_STATUSES } from '@/lib/records/schema';

const ROLES: Role[] = ['admin', 'reviewer', 'officer', 'researcher'];
const COMMUNITY_SETS: string[][] = [[], ['co-tu'], ['xo-dang'], ['co-tu', 'co']];

/** Every viewer shape: anonymous, and each combination of roles (incl. none) × community memberships. */
function allViewers(): Viewer[] {
  const viewers: Viewer[] = [{ kind: 'anonymous' }];
  for (let mask = 0; mask < 1 << ROLES.length; mask++) {
    const roles = ROLES.filter((_, i) => mask & (1 << i));
    for (const communities of COMMUNITY_SETS) viewers.push({ kind: 'user', id: 'u', roles, communities });
  }
  return viewers;
}

describe('search access tokens agree with maySeeRecord', () => {
  it('for every role × level × status × community', () => {
    let checked = 0;
    for (const viewer of allViewers()) {
      const allowed = new Set(viewerAccessTokens(viewer));
      for (const level of ACCESS_LEVELS) {
        for (const status of RECORD_STATUSES) {
          for (const communities of level === 'community' ? [['co-tu'], ['xo-dang', 'co']] : [[]]) {
            const record = { access: { level, communities }, status };
            const byTokens = recordAccessTokens(record).some((t) => allowed.has(t));
            expect(byTokens, `${JSON.stringify(viewer)} ${level} ${status} ${communities}`).toBe(maySeeRecord(viewer, record));
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
