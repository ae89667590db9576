/**
 * The access matrix: every role × every action × every access level and
 * status → allowed or refused. The whole table is kept as a readable
 * snapshot (tests/unit/__snapshots__), so any change of policy shows up in
 * review; the rules a person would state are asserted outright.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS, mayPerform, type Viewer } from '@/lib/access/policy';
import { ACCESS_LEVELS, RECORD_STATUSES, type AccessLevel, type RecordStatus } from '@/lib/records/schema';

const VIEWERS: Record<string, Viewer> = {
  anonymous: { kind: 'anonymous' },
  researcher: { kind: 'user', id: 'r', roles: ['researcher'], communities: [] },
  'researcher+co-tu': { kind: 'user', id: 'rc', roles: ['researcher'], communities: ['co-tu'] },
  officer: { kind: 'user', id: 'o', roles: ['officer'], communities: [] },
  'officer+co-tu': { kind: 'user', id: 'oc', roles: ['officer'], communities: ['co-tu'] },
  reviewer: { kind: 'user', id: 'v', roles: ['reviewer'], communities: [] },
  'reviewer+co-tu': { kind: 'user', id: 'vc', roles: ['reviewer'], communities: ['co-tu'] },
  admin: { kind: 'user', id: 'a', roles: ['admin'], communities: [] },
};

const record = (level: AccessLevel, status: RecordStatus) => ({
  access: { level, communities: level === 'community' ? ['co-tu'] : [] },
  status,
  rights: { uri: 'https://creativecommons.org/licenses/by-nc/4.0/' },
});

function allowed(viewer: string, action: (typeof ACTIONS)[number], level: AccessLevel, status: RecordStatus): boolean {
  return mayPerform(VIEWERS[viewer]!, action, record(level, status));
}

describe('access matrix', () => {
  it('matches the reviewed table for every role, action, access level and status', () => {
    const lines: string[] = [];
    for (const action of ACTIONS) {
      for (const level of ACCESS_LEVELS) {
        for (const status of RECORD_STATUSES) {
          const who = Object.keys(VIEWERS).filter((v) => allowed(v, action, level, status));
          lines.push(`${action.padEnd(17)} ${level.padEnd(10)} ${status.padEnd(9)} → ${who.join(', ') || '(nobody)'}`);
        }
      }
    }
    expect(lines.length).toBe(ACTIONS.length * ACCESS_LEVELS.length * RECORD_STATUSES.length);
    expect(lines.join('\n')).toMatchSnapshot();
  });

  it('keeps restricted records to their community and admins, for every action', () => {
    for (const action of ACTIONS) {
      for (const status of RECORD_STATUSES) {
        for (const outsider of ['anonymous', 'researcher', 'officer', 'reviewer']) {
          if (action === 'create') continue; // not about a record
          expect(allowed(outsider, action, 'community', status), `${outsider} ${action} ${status}`).toBe(false);
        }
      }
    }
    expect(allowed('researcher+co-tu', 'view', 'community', 'published')).toBe(true);
    expect(allowed('admin', 'view', 'community', 'draft')).toBe(true);
  });

  it('lets the public see only published records, and only reviewers publish', () => {
    for (const status of RECORD_STATUSES) expect(allowed('anonymous', 'view', 'public', status)).toBe(status === 'published');
    expect(allowed('anonymous', 'view', 'registered', 'published')).toBe(false);
    expect(allowed('researcher', 'view', 'registered', 'published')).toBe(true);
    expect(allowed('officer', 'publish', 'public', 'submitted')).toBe(false);
    expect(allowed('reviewer', 'publish', 'public', 'submitted')).toBe(true);
    expect(allowed('reviewer', 'publish', 'public', 'draft')).toBe(false);
    expect(allowed('officer', 'edit', 'public', 'draft')).toBe(true);
    expect(allowed('officer', 'edit', 'public', 'published')).toBe(false);
  });

  it('reserves user management and the audit log to admins', () => {
    for (const viewer of Object.keys(VIEWERS)) {
      expect(mayPerform(VIEWERS[viewer]!, 'manage-users')).toBe(viewer === 'admin');
      expect(mayPerform(VIEWERS[viewer]!, 'view-audit-log')).toBe(viewer === 'admin');
      expect(mayPerform(VIEWERS[viewer]!, 'edit-inventory')).toBe(viewer === 'admin');
    }
  });
});
