/**
 * Classes 11 and 12 of issue #11. A client-written X-Forwarded-For was
 * believed by the API rate limit, the sign-in throttle and the audit log (a
 * new header per try walked past the throttle); and the throttle's
 * per-address count never reset, so one office's typos locked everyone out,
 * while anyone could keep an account locked from elsewhere.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoginThrottle } from '../../lib/auth/throttle';
import { parseConfig } from '../../lib/config';
import { clientAddress, resolveClientAddress, UNKNOWN_ADDRESS } from '../../lib/http/client-address';
import { ACCOUNTS, PASSWORD } from './accounts';
import { attack } from './client';

function signInForm(password: string): URLSearchParams {
  return new URLSearchParams({ username: ACCOUNTS.throttled.username, password, next: '/studio' });
}

describe('who the client is', () => {
  it('does not let a new X-Forwarded-For per try walk past the sign-in throttle', async () => {
    for (let i = 0; i < 5; i++) {
      const wrong = await attack('/api/auth/login', { method: 'POST', body: signInForm(`sai-mat-khau-${i}`), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `203.0.113.${i + 1}`, 'x-real-ip': `198.51.100.${i + 1}` } });
      expect(wrong.headers.get('location')).toContain('error=invalid');
    }
    // The right password, from "another" forwarded address: still this client, still waiting.
    const blocked = await attack('/api/auth/login', { method: 'POST', body: signInForm(PASSWORD), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.77' } });
    expect(blocked.status).toBe(303);
    expect(blocked.headers.get('location')).toMatch(/error=throttled&wait=\d+/);
    expect(blocked.headers.get('set-cookie')).toBeNull();
    // And the sign-in page says so in Vietnamese, with the wait in words.
    const page = await (await attack(blocked.headers.get('location')!)).text();
    expect(page).toMatch(/Hãy thử lại sau \d+ (phút|giây)/);
  });

  it('believes forwarding headers only from the proxies TRUST_PROXY names', () => {
    expect(resolveClientAddress('198.51.100.4', '203.0.113.9', [])).toBe('198.51.100.4');
    expect(resolveClientAddress('::ffff:198.51.100.4', undefined, [])).toBe('198.51.100.4');
    expect(resolveClientAddress('198.51.100.4', '203.0.113.9', ['10.0.0.2'])).toBe('198.51.100.4');
    // Behind the province's proxy: the address it saw, not what the client wrote to the left of it.
    expect(resolveClientAddress('10.0.0.2', 'forged, 203.0.113.9', ['10.0.0.2'])).toBe('203.0.113.9');
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4, 203.0.113.9, 127.0.0.1', ['loopback'])).toBe('203.0.113.9');
    expect(() => parseConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.2' }).trustProxy).toEqual(['loopback', '10.0.0.2']);
    // Inside the app only the server's own header counts; a forged one under a name the client guessed does not.
    const config = parseConfig({ DISAN_CLIENT_ADDRESS_HEADER: `x-disan-client-${'a'.repeat(32)}` });
    expect(clientAddress(new Headers({ [config.clientAddressHeader!]: '203.0.113.9', 'x-forwarded-for': '1.1.1.1' }), config)).toBe('203.0.113.9');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '1.1.1.1' }), parseConfig({}))).toBe(UNKNOWN_ADDRESS);
  });
});

describe('sign-in throttling that slows guessers without locking out offices', () => {
  afterEach(() => vi.useRealTimers());

  it('keeps one person’s typos from blocking a colleague at the same address, and clears on success', async () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) await throttle.recordFailure('y-nhi', 'office');
    expect(await throttle.waitFor('y-nhi', 'office')).toBeGreaterThan(0);
    expect(await throttle.waitFor('a-lang', 'office')).toBe(0);
    const fresh = new LoginThrottle();
    for (let i = 0; i < 4; i++) await fresh.recordFailure('y-nhi', 'office');
    await fresh.recordSuccess('y-nhi', 'office');
    for (let i = 0; i < 4; i++) await fresh.recordFailure('y-nhi', 'office');
    expect(await fresh.waitFor('y-nhi', 'office'), 'a success starts the count again').toBe(0);
  });

  it('does not let a guesser elsewhere lock a person out of their own account', async () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 40; i++) await throttle.recordFailure('y-nhi', 'attacker');
    expect(await throttle.waitFor('y-nhi', 'attacker')).toBeGreaterThan(0);
    expect(await throttle.waitFor('y-nhi', 'office')).toBe(0);
  });

  it('forgets failures with time', async () => {
    vi.useFakeTimers();
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) await throttle.recordFailure('y-nhi', 'office');
    expect(await throttle.waitFor('y-nhi', 'office')).toBeGreaterThan(0);
    vi.advanceTimersByTime(16 * 60 * 1000);
    expect(await throttle.waitFor('y-nhi', 'office')).toBe(0);
    vi.advanceTimersByTime(60 * 60 * 1000);
    for (let i = 0; i < 4; i++) await throttle.recordFailure('y-nhi', 'office');
    expect(await throttle.waitFor('y-nhi', 'office'), 'old failures no longer count').toBe(0);
  });

  it('brakes one address trying many accounts', async () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 50; i++) await throttle.recordFailure(`tai-khoan-${i}`, 'scanner');
    expect(await throttle.waitFor('tai-khoan-moi', 'scanner')).toBeGreaterThan(0);
    expect(await throttle.waitFor('tai-khoan-moi', 'office')).toBe(0);
  });
});
