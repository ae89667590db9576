import { describe, expect, it } from 'vitest';
import { ANONYMOUS, mayDownloadOriginals, maySeeRecord, type Viewer } from '@/lib/access/policy';
import type { AccessLevel, RecordStatus } from '@/lib/records/schema';

const viewers: Record<string, Viewer> = {
  anonymous: ANONYMOUS,
  researcher: { kind: 'user', id: 'r', roles: ['researcher'], communities: [] },
  coTuMember: { kind: 'user', id: 'm', roles: ['researcher'], communities: ['co-tu'] },
  officer: { kind: 'user', id: 'o', roles: ['officer'], communities: [] },
  admin: { kind: 'user', id: 'a', roles: ['admin'], communities: [] },
};

const record = (level: AccessLevel, status: RecordStatus = 'published', uri = 'http://rightsstatements.org/vocab/InC/1.0/') => ({
  access: { level, communities: level === 'community' ? ['co-tu'] : [] },
  status,
  rights: { uri },
});

describe('access policy', () => {
  it.each([
    ['public', 'anonymous', true],
    ['public', 'researcher', true],
    ['registered', 'anonymous', false],
    ['registered', 'researcher', true],
    ['community', 'anonymous', false],
    ['community', 'researcher', false],
    ['community', 'officer', false],
    ['community', 'coTuMember', true],
    ['community', 'admin', true],
  ] as const)('a published %s record is %s-visible to %s', (level, viewer, expected) => {
    expect(maySeeRecord(viewers[viewer]!, record(level))).toBe(expected);
  });

  it('shows unpublished records to staff only, and never a community record outside its protocol', () => {
    for (const status of ['draft', 'submitted', 'withdrawn'] as const) {
      expect(maySeeRecord(ANONYMOUS, record('public', status))).toBe(false);
      expect(maySeeRecord(viewers.researcher!, record('public', status))).toBe(false);
      expect(maySeeRecord(viewers.officer!, record('public', status))).toBe(true);
      expect(maySeeRecord(viewers.officer!, record('community', status))).toBe(false);
      expect(maySeeRecord(viewers.admin!, record('community', status))).toBe(true);
    }
  });

  it('offers originals for public download only under an open licence or an educational-use statement', () => {
    expect(mayDownloadOriginals(ANONYMOUS, record('public', 'published', 'https://creativecommons.org/licenses/by-nc/4.0/'))).toBe(true);
    expect(mayDownloadOriginals(ANONYMOUS, record('public', 'published', 'http://rightsstatements.org/vocab/InC/1.0/'))).toBe(false);
    expect(mayDownloadOriginals(viewers.officer!, record('public', 'published', 'http://rightsstatements.org/vocab/InC/1.0/'))).toBe(true);
    expect(mayDownloadOriginals(ANONYMOUS, record('registered', 'published', 'https://creativecommons.org/publicdomain/mark/1.0/'))).toBe(false);
  });
});
