import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveMedia } from '@/lib/derivatives/derive';
import { DEFAULT_LIMITS } from '@/lib/media/limits';
import { derivativeKey, derivativePrefix, readDerivativeManifest } from '@/lib/derivatives/manifest';
import type { MediaKind } from '@/lib/records/schema';
import { getBuffer } from '@/lib/storage';
import { download, makeAudio, probe, scannedPdf, textPdf } from '../helpers/media-fixtures';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeAll(async () => {
  archive = await tempArchive();
});
afterAll(async () => archive.cleanup());

let n = 0;
async function derive(name: string, body: Buffer | string, contentType: string, kind: MediaKind, extra: { of?: string; language?: string } = {}) {
  const stored = await archive.records.create({ body: sampleBody({ slug: `ap-${++n}` }), files: [{ name, body, contentType, kind, ...extra }], user: operator });
  const media = stored.record.media[0]!;
  const result = await deriveMedia({ store: archive.store, records: archive.records, limits: DEFAULT_LIMITS }, stored.record.id, media);
  return { id: stored.record.id, media, ...result };
}

describe('audio derivatives', () => {
  it('AAC and Opus renditions, loudness-normalised, waveform JSON and PNG, durations recorded', async () => {
    const src = path.join(archive.dir, 'gong.m4a');
    await makeAudio(src, 3);
    const { id, media, manifest } = await derive('gong.m4a', await fs.readFile(src), 'audio/mp4', 'audio');
    if (manifest.kind !== 'audio') throw new Error(manifest.kind);
    const a = manifest.audio;
    expect(a.durationSeconds).toBeCloseTo(3, 0);
    expect(a.renditions.map((r) => r.file)).toEqual(['audio/audio.m4a', 'audio/audio.opus']);
    const dir = path.join(archive.dir, 'audio-out');
    await download(archive.store, `${derivativePrefix(id, media.digest)}/`, dir);
    const m4a = await probe(path.join(dir, 'audio/audio.m4a'));
    expect(m4a.streams.map((s) => s.codec_name)).toEqual(['aac']);
    expect(Number(m4a.format.duration)).toBeCloseTo(3, 0);
    const opus = await probe(path.join(dir, 'audio/audio.opus'));
    expect(opus.streams.map((s) => `${s.codec_name} ${s.sample_rate}`)).toEqual(['opus 48000']);
    expect(Number(opus.format.duration)).toBeCloseTo(3, 0);
    for (const r of a.renditions) expect(r.durationSeconds).toBeCloseTo(3, 0);

    // Normalised: the quiet (−10 dBFS) sine comes out near −16 LUFS.
    const stats = await new Promise<string>((resolve) =>
      execFile('ffmpeg', ['-nostdin', '-i', path.join(dir, 'audio/audio.m4a'), '-af', 'ebur128', '-f', 'null', '-'], (_e, _o, err) => resolve(err)),
    );
    const lufs = Number(/I:\s+(-?[\d.]+) LUFS/.exec(stats.slice(stats.lastIndexOf('Summary')))![1]);
    expect(Math.abs(lufs - -16)).toBeLessThan(2);

    const wave = JSON.parse(await fs.readFile(path.join(dir, 'audio/waveform.json'), 'utf8')) as { version: number; bits: number; length: number; data: number[] };
    expect(wave).toMatchObject({ version: 2, bits: 8 });
    expect(wave.data.length).toBe(wave.length * 2);
    expect(Math.max(...wave.data)).toBeGreaterThan(20);
    expect(await sharp(path.join(dir, 'audio/waveform.png')).metadata()).toMatchObject({ width: 1200, height: 160, format: 'png' });
  });
});

describe('PDF derivatives', () => {
  it('page count, text of every page, first page images and a cover', async () => {
    const { manifest } = await derive('quyet-dinh.pdf', await textPdf(5), 'application/pdf', 'document');
    if (manifest.kind !== 'document') throw new Error(manifest.kind);
    const pdf = manifest.pdf;
    expect(pdf.pages).toBe(5);
    expect(pdf.scanned).toBe(false);
    expect(pdf.pageImages.map((p) => p.file)).toEqual(['pdf/page-1.jpg', 'pdf/page-2.jpg', 'pdf/page-3.jpg']);
    const page = await sharp(await getBuffer(archive.store, derivativeKey(manifest, 'pdf/page-1.jpg'))).metadata();
    expect(Math.max(page.width!, page.height!)).toBe(1280);
    expect(page.height! / page.width!).toBeCloseTo(595 / 420, 1);
    expect(pdf.thumbnail.width).toBe(400);
    const text = JSON.parse((await getBuffer(archive.store, derivativeKey(manifest, 'pdf/text.json'))).toString()) as { pages: Array<{ page: number; text: string }> };
    expect(text.pages).toHaveLength(5);
    expect(text.pages[4]!.text).toContain('trang 5');
    expect(text.pages[0]!.text).toContain('Bao ton van hoa');
  });

  it('a scanned PDF without a text layer is marked as such', async () => {
    const { manifest } = await derive('scan.pdf', await scannedPdf(2), 'application/pdf', 'document');
    if (manifest.kind !== 'document') throw new Error(manifest.kind);
    expect(manifest.pdf).toMatchObject({ pages: 2, scanned: true, characters: 0 });
    expect(manifest.pdf.pageImages).toHaveLength(2);
  });
});

describe('captions as media', () => {
  it('an SRT attached to a video becomes WebVTT; a broken one is refused with its line', async () => {
    const srt = '1\n00:00:00,500 --> 00:00:02,000\nXin chào\n';
    const { id, media, manifest } = await derive('clip.vi.srt', srt, 'application/x-subrip', 'caption', { language: 'vie' });
    if (manifest.kind !== 'caption') throw new Error(manifest.kind);
    expect(manifest.caption).toMatchObject({ sourceFormat: 'srt', cues: 1, durationSeconds: 2 });
    expect((await getBuffer(archive.store, derivativeKey(manifest, 'caption/captions.vtt'))).toString()).toBe('WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\nXin chào\n');
    expect(await readDerivativeManifest(archive.store, id, media)).toEqual(manifest);

    await expect(derive('bad.en.srt', '1\n00:00:00,500 --> 00:00:02,000\nok\n\n2\n00:00:03,000 -> 00:00:04,000\nx\n', 'application/x-subrip', 'caption')).rejects.toThrow(
      /^files\/bad\.en\.srt line 6: expected a timing line/,
    );
  });
});
