import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveMedia } from '@/lib/derivatives/derive';
import { DEFAULT_LIMITS } from '@/lib/media/limits';
import { derivativePrefix, type DerivativeManifest } from '@/lib/derivatives/manifest';
import { ladderFor } from '@/lib/media/video';
import { download, makeVideo, probe } from '../helpers/media-fixtures';
import { operator, sampleBody, tempArchive, type TempArchive } from '../helpers/temp-archive';

let archive: TempArchive;
beforeAll(async () => {
  archive = await tempArchive();
});
afterAll(async () => archive.cleanup());

let n = 0;
/** Makes a clip, stores it as a record's original, derives it and copies the derivatives out for ffprobe. */
async function deriveClip(options: Parameters<typeof makeVideo>[1]): Promise<{ manifest: Extract<DerivativeManifest, { kind: 'video' }>; dir: string }> {
  const src = path.join(archive.dir, `clip-${++n}.mp4`);
  await makeVideo(src, options);
  const stored = await archive.records.create({
    body: sampleBody({ slug: `clip-${n}` }),
    files: [{ name: `clip-${n}.mp4`, body: await fs.readFile(src), contentType: 'video/mp4', kind: 'video' }],
    user: operator,
  });
  const media = stored.record.media[0]!;
  const { manifest } = await deriveMedia({ store: archive.store, records: archive.records, limits: DEFAULT_LIMITS }, stored.record.id, media);
  if (manifest.kind !== 'video') throw new Error(`expected video, got ${manifest.kind}`);
  const dir = path.join(archive.dir, `out-${n}`);
  await download(archive.store, `${derivativePrefix(stored.record.id, media.digest)}/`, dir);
  return { manifest, dir };
}

function keyframeTimes(csv: string): number[] {
  return csv.split('\n').filter((l) => l.includes(',K')).map((l) => Number(l.split(',')[1]));
}

describe('video derivatives', () => {
  it('ladder: by the short side, never upscaled, even sizes', () => {
    expect(ladderFor(1920, 1080).map((r) => `${r.name} ${r.width}x${r.height}`)).toEqual(['240p 426x240', '360p 640x360', '720p 1280x720', '1080p 1920x1080']);
    expect(ladderFor(1080, 1920).map((r) => `${r.width}x${r.height}`)).toEqual(['240x426', '360x640', '720x1280', '1080x1920']);
    expect(ladderFor(640, 480).map((r) => r.name)).toEqual(['240p', '360p']);
    expect(ladderFor(176, 144).map((r) => `${r.name} ${r.width}x${r.height}`)).toEqual(['144p 176x144']);
  });

  it('landscape with audio: HLS ladder with aligned keyframes, master playlist, MP4, poster, sprite + VTT', async () => {
    const { manifest, dir } = await deriveClip({ width: 640, height: 360, seconds: 5, audio: true });
    const v = manifest.video;
    expect(v.renditions.map((r) => `${r.name} ${r.width}x${r.height}`)).toEqual(['240p 426x240', '360p 640x360']);
    expect(v.durationSeconds).toBeCloseTo(5, 0);
    expect(v.hasAudio).toBe(true);

    const master = await fs.readFile(path.join(dir, 'video/hls/master.m3u8'), 'utf8');
    expect(master.match(/#EXT-X-STREAM-INF:[^\n]+/g)!.map((l) => /RESOLUTION=(\d+x\d+).*CODECS="([^"]+)"/.exec(l)!.slice(1).join(' '))).toEqual([
      '426x240 avc1.640015,mp4a.40.2',
      '640x360 avc1.64001e,mp4a.40.2',
    ]);
    // ffprobe reads the master playlist: every variant is H.264 + AAC at its size.
    const all = await probe(path.join(dir, 'video/hls/master.m3u8'));
    expect(all.streams.filter((s) => s.codec_type === 'video').map((s) => `${s.codec_name} ${s.width}x${s.height}`).sort()).toEqual(['h264 426x240', 'h264 640x360']);
    expect(all.streams.filter((s) => s.codec_type === 'audio').every((s) => s.codec_name === 'aac')).toBe(true);

    const playlists = await Promise.all(v.renditions.map((r) => fs.readFile(path.join(dir, r.playlist), 'utf8')));
    for (const p of playlists) expect(p).toMatch(/#EXT-X-PLAYLIST-TYPE:VOD[\s\S]*#EXT-X-ENDLIST/);
    // Segments line up across renditions (same durations), and keyframes fall on the same instants.
    const extinf = (p: string) => p.match(/#EXTINF:[\d.]+/g);
    expect(extinf(playlists[0]!)).toEqual(extinf(playlists[1]!));
    expect(extinf(playlists[0]!)!.length).toBe(2);
    const { run } = await import('../helpers/media-fixtures');
    const keys = await Promise.all(
      v.renditions.map(async (r) => keyframeTimes(await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time,flags', '-of', 'csv', path.join(dir, r.playlist)]))),
    );
    // Relative to each rendition's first frame (muxers start timestamps at different offsets): every 2 s.
    const relative = keys.map((k) => k.map((t) => Math.round((t - k[0]!) * 100) / 100));
    expect(relative[0]).toEqual([0, 2, 4]);
    expect(relative[1]).toEqual(relative[0]);

    const mp4 = await probe(path.join(dir, 'video/download.mp4'));
    expect(mp4.streams.map((s) => `${s.codec_name} ${s.width ?? ''}x${s.height ?? ''}`)).toEqual(['h264 640x360', 'aac x']);
    expect(Number(mp4.format.duration)).toBeCloseTo(5, 0);
    expect(await sharp(path.join(dir, 'video/poster.jpg')).metadata()).toMatchObject({ width: 640, height: 360 });
    const sprite = await sharp(path.join(dir, 'video/sprite.jpg')).metadata();
    expect([sprite.width, sprite.height]).toEqual([v.sprite.columns * 160, Math.ceil((v.sprite.count + 1) / v.sprite.columns) * 90]);
    const vtt = await fs.readFile(path.join(dir, 'video/sprite.vtt'), 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    expect(vtt.match(/sprite\.jpg#xywh=\d+,\d+,160,90/g)).toHaveLength(5);
  });

  it('vertical video without audio', async () => {
    const { manifest, dir } = await deriveClip({ width: 360, height: 640, seconds: 2 });
    const v = manifest.video;
    expect(v.hasAudio).toBe(false);
    expect(v.renditions.map((r) => `${r.width}x${r.height} ${r.codecs}`)).toEqual(['240x426 avc1.640015', '360x640 avc1.64001e']);
    const mp4 = await probe(path.join(dir, 'video/download.mp4'));
    expect(mp4.streams.map((s) => `${s.codec_type} ${s.width}x${s.height}`)).toEqual(['video 360x640']);
    expect(await sharp(path.join(dir, 'video/poster.jpg')).metadata()).toMatchObject({ width: 360, height: 640 });
  });

  it('variable frame rate source becomes constant-rate renditions', async () => {
    const { manifest, dir } = await deriveClip({ width: 320, height: 240, seconds: 3, audio: true, vfr: true, fps: 30 });
    expect(manifest.video.vfr).toBe(true);
    expect(manifest.video.renditions.map((r) => `${r.width}x${r.height}`)).toEqual(['320x240']);
    const { run } = await import('../helpers/media-fixtures');
    const rate = await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=r_frame_rate,avg_frame_rate', '-of', 'csv=p=0', path.join(dir, 'video/download.mp4')]);
    const [r, avg] = rate.trim().split(',');
    expect(r).toBe(`${manifest.video.fps}/1`);
    expect(avg).toBe(r);
  });
});
