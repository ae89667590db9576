import { describe, expect, it } from 'vitest';
import { attachmentsOf, audioSources, captionLanguage, cuePlainText, formatBytes, srcSet, waveformPath } from '@/app/_components/media/media-helpers';
import { closestJpeg, derivativeUrl, fileUrl, iiifInfoUrl, largestJpeg } from '@/lib/derivatives/delivery';
import { cueIndexAt, formatTime, shouldUseHlsJs } from '@/app/_components/media/shared';
import type { AudioRendition } from '@/lib/media/audio';
import type { ImageRendition } from '@/lib/media/image';

const digest = 'ab'.repeat(64);
const media = { path: 'files/Lễ hội 1.jpg', digest };

describe('media URLs', () => {
  it('points at derivatives, originals and the IIIF service by record and digest prefix', () => {
    expect(derivativeUrl('fhgmqwqp', media, 'image/w640.webp')).toBe(`/api/derivatives/fhgmqwqp/${'ab'.repeat(8)}/image/w640.webp`);
    expect(fileUrl('fhgmqwqp', media)).toBe('/api/files/fhgmqwqp/files/L%E1%BB%85%20h%E1%BB%99i%201.jpg');
    expect(fileUrl('fhgmqwqp', media, true)).toMatch(/\?download$/);
    expect(iiifInfoUrl('fhgmqwqp', media)).toBe(`/iiif/fhgmqwqp/${'ab'.repeat(8)}/info.json`);
  });
});

describe('image sources', () => {
  const r = (format: ImageRendition['format'], width: number): ImageRendition => ({ file: `image/w${width}.${format === 'jpeg' ? 'jpg' : format}`, format, width, height: width, bytes: 1 });
  const renditions = [r('jpeg', 1067), r('avif', 320), r('jpeg', 320), r('webp', 640), r('jpeg', 640), r('avif', 1067)];

  it('lists one format narrowest first as a srcset', () => {
    const base = `/api/derivatives/x/${'ab'.repeat(8)}`;
    expect(srcSet('x', media, renditions, 'jpeg')).toBe(`${base}/image/w320.jpg 320w, ${base}/image/w640.jpg 640w, ${base}/image/w1067.jpg 1067w`);
    expect(srcSet('x', media, renditions, 'avif')).toBe(`${base}/image/w320.avif 320w, ${base}/image/w1067.avif 1067w`);
  });

  it('picks the JPEG nearest 1280 px as src and the widest for the full-size link', () => {
    expect(closestJpeg(renditions)?.width).toBe(1067);
    expect(closestJpeg(renditions, 500)?.width).toBe(640);
    expect(largestJpeg(renditions)?.width).toBe(1067);
    expect(largestJpeg([r('avif', 320)])).toBeUndefined();
  });
});

describe('audio sources', () => {
  it('offers Opus first, then AAC, with types browsers can test', () => {
    const renditions: AudioRendition[] = [
      { file: 'audio/audio.m4a', codec: 'aac', bitrateKbps: 128, bytes: 1, durationSeconds: 20 },
      { file: 'audio/audio.opus', codec: 'opus', bitrateKbps: 96, bytes: 1, durationSeconds: 20 },
    ];
    expect(audioSources(renditions)).toEqual([
      { file: 'audio/audio.opus', type: 'audio/ogg; codecs=opus' },
      { file: 'audio/audio.m4a', type: 'audio/mp4; codecs=mp4a.40.2' },
    ]);
  });
});

describe('captions', () => {
  it('labels tracks in their own language with a BCP 47 srclang', () => {
    expect(captionLanguage('vie')).toEqual({ srcLang: 'vi', label: 'Tiếng Việt' });
    expect(captionLanguage('eng')).toEqual({ srcLang: 'en', label: 'English' });
    expect(captionLanguage('sed')).toEqual({ srcLang: 'sed', label: 'sed' });
  });

  it('finds the captions and transcripts of a media entry, the reader’s language first', () => {
    const all = [
      { kind: 'video' as const, path: 'files/a.mp4' },
      { kind: 'caption' as const, path: 'files/a.vi.vtt', of: 'files/a.mp4', language: 'vie' },
      { kind: 'caption' as const, path: 'files/a.en.vtt', of: 'files/a.mp4', language: 'eng' },
      { kind: 'caption' as const, path: 'files/b.vi.vtt', of: 'files/b.m4a', language: 'vie' },
      { kind: 'transcript' as const, path: 'files/a.txt', of: 'files/a.mp4' },
    ];
    expect(attachmentsOf(all, 'files/a.mp4', 'en').map((m) => m.path)).toEqual(['files/a.en.vtt', 'files/a.vi.vtt', 'files/a.txt']);
    expect(attachmentsOf(all, 'files/a.mp4', 'vi').map((m) => m.path)).toEqual(['files/a.vi.vtt', 'files/a.en.vtt', 'files/a.txt']);
    expect(attachmentsOf(all, 'files/c.mp4', 'vi')).toEqual([]);
  });

  it('turns cue markup into plain text', () => {
    expect(cuePlainText('<v Già làng A Lăng>Hãy nghe</v> &amp; <i>nhớ</i>')).toBe('Già làng A Lăng: Hãy nghe & nhớ');
    expect(cuePlainText('<c.yellow>Chiêng</c> &lt;ngân&gt; &#7871; &unknown;')).toBe('Chiêng <ngân> ế &unknown;');
    expect(cuePlainText('[Tiếng cồng chiêng]\ndòng hai')).toBe('[Tiếng cồng chiêng]\ndòng hai');
  });
});

describe('cue lookup', () => {
  const cues = [
    { start: 0, end: 1.5 },
    { start: 1.5, end: 4 },
    { start: 4, end: 6 },
    { start: 8, end: 10 },
  ];

  it('finds the cue playing at a time, none in gaps or outside', () => {
    expect(cueIndexAt(cues, 0)).toBe(0);
    expect(cueIndexAt(cues, 1.49)).toBe(0);
    expect(cueIndexAt(cues, 1.5)).toBe(1);
    expect(cueIndexAt(cues, 5.9)).toBe(2);
    expect(cueIndexAt(cues, 7)).toBe(-1);
    expect(cueIndexAt(cues, 9)).toBe(3);
    expect(cueIndexAt(cues, 10)).toBe(-1);
    expect(cueIndexAt(cues, -1)).toBe(-1);
    expect(cueIndexAt([], 3)).toBe(-1);
  });

  it('prefers the latest started of overlapping cues, and falls back to a longer earlier one', () => {
    const overlapping = [
      { start: 0, end: 10 },
      { start: 2, end: 3 },
    ];
    expect(cueIndexAt(overlapping, 2.5)).toBe(1);
    expect(cueIndexAt(overlapping, 5)).toBe(0);
  });
});

describe('time and playback choices', () => {
  it('formats times as m:ss or h:mm:ss', () => {
    expect(formatTime(0)).toBe('0:00');
    expect(formatTime(12.7)).toBe('0:12');
    expect(formatTime(600)).toBe('10:00');
    expect(formatTime(3723)).toBe('1:02:03');
    expect(formatTime(Number.NaN)).toBe('0:00');
  });

  it('brings in hls.js only without native HLS and with Media Source Extensions', () => {
    expect(shouldUseHlsJs('', true)).toBe(true);
    expect(shouldUseHlsJs('maybe', true)).toBe(false);
    expect(shouldUseHlsJs('', false)).toBe(false);
  });

  it('formats file sizes in the page’s number format', () => {
    expect(formatBytes(213_834, 'vi')).toMatch(/^209\skB$/);
    expect(formatBytes(5_500_000, 'vi')).toMatch(/^5,2\sMB$/);
    expect(formatBytes(5_500_000, 'en')).toMatch(/^5\.2\sMB$/);
  });
});

describe('waveform path', () => {
  it('draws one bar per column from min/max peaks, centred, at least a hairline for silence', () => {
    // 4 points: silence, full scale, half, quiet-negative.
    const d = waveformPath([0, 0, -128, 127, -64, 64, -10, 0], 4);
    const bars = d.split('Z').filter(Boolean);
    expect(bars).toHaveLength(4);
    expect(bars[0]).toBe('M0.2 49.5h0.7V50.5h-0.7');
    expect(bars[1]).toBe('M1.2 0.4h0.7V100h-0.7');
    expect(bars[2]).toBe('M2.2 25h0.7V75h-0.7');
    expect(bars[3]).toBe('M3.2 49.5h0.7V53.9h-0.7');
  });

  it('folds many points into the columns, keeping the loudest, and stays within the box', () => {
    const data = Array.from({ length: 1000 }, (_, i) => [-(i % 100), i % 100]).flat();
    const d = waveformPath(data, 200);
    expect(d.match(/M/g)).toHaveLength(200);
    const numbers = d.match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(Math.min(...numbers.filter((n) => n >= 0))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(200);
    expect(d.length).toBeLessThan(200 * 30);
  });

  it('uses fewer bars than columns for a short recording, and nothing for no data', () => {
    expect(waveformPath([-10, 10, -20, 20], 200).match(/M/g)).toHaveLength(2);
    expect(waveformPath([], 200)).toBe('');
  });
});
