import { describe, expect, it, vi } from 'vitest';

vi.mock('next-intl/server', () => ({ getTranslations: async () => () => '' }));
const { shorten } = await import('@/app/_components/localized');

describe('a preview of a long text', () => {
  it('keeps a short text whole', () => {
    expect(shorten('Lễ hội đâm trâu', 240)).toBe('Lễ hội đâm trâu');
  });

  it('cuts a long one at a word, without a trailing comma, and marks the cut', () => {
    const text = 'Con trâu được buộc vào cột X’nur dựng giữa sân, được dâng lên thần linh để tạ ơn và cầu cho làng bình yên, mùa màng tốt tươi.';
    const short = shorten(text, 60);
    expect(short.length).toBeLessThanOrEqual(61);
    expect(short.endsWith('…')).toBe(true);
    expect(text.startsWith(short.slice(0, -1))).toBe(true);
    expect(short).not.toMatch(/[\s,]…$/);
    expect(text.charAt(short.length - 1)).toMatch(/[\s,]/);
  });
});
