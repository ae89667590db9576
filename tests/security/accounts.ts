/** The accounts the adversarial suite signs in as: every role, two communities, and outsiders. */
import type { Role } from '../../lib/access/policy';

export const PASSWORD = 'mat-khau-tan-cong-thu';

export interface TestAccount {
  username: string;
  displayName: string;
  roles: Role[];
  communities: string[];
}

export const ACCOUNTS = {
  admin: { username: 'quan-tri', displayName: 'Quản trị', roles: ['admin'], communities: [] },
  reviewer: { username: 'nguoi-duyet', displayName: 'Người duyệt', roles: ['reviewer'], communities: ['co-tu'] },
  /** An officer of the Cơ Tu community: may see and edit Cơ Tu restricted records. */
  officerCoTu: { username: 'can-bo-co-tu', displayName: 'Cán bộ Cơ Tu', roles: ['officer'], communities: ['co-tu'] },
  /** An officer of another community: must never read or change Cơ Tu restricted records. */
  officerXoDang: { username: 'can-bo-xo-dang', displayName: 'Cán bộ Xơ Đăng', roles: ['officer'], communities: ['xo-dang'] },
  researcher: { username: 'nha-nghien-cuu', displayName: 'Nhà nghiên cứu', roles: ['researcher'], communities: [] },
  /** Only for the sign-in throttling tests: its failures must not slow anyone else's sign-in. */
  throttled: { username: 'hay-go-nham', displayName: 'Hay gõ nhầm', roles: ['researcher'], communities: [] },
} satisfies Record<string, TestAccount>;

export type AccountName = keyof typeof ACCOUNTS;
