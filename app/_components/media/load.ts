/**
 * What the players read from the store on the server: waveform peaks,
 * caption cues for transcripts, a PDF's extracted text. Only ever called
 * for a record the page has already decided the viewer may see. Anything
 * missing or unreadable yields undefined: the player then shows less (no
 * waveform, no transcript), never an error page.
 */
import 'server-only';
import type { Waveform } from '@/lib/media/audio';
import { parseSrt, parseVtt, type Cue } from '@/lib/media/captions';
import { MAX_TEXT_BYTES } from '@/lib/media/caption-text';
import { derivativeKey, type DerivativeManifest } from '@/lib/derivatives/manifest';
import type { PdfText } from '@/lib/media/pdf';
import type { HeritageRecord, MediaEntry } from '@/lib/records/schema';
import { NotFoundError, getBuffer } from '@/lib/storage';
import { getArchive } from '@/lib/server/archive';


function quiet(what: string, error: unknown): undefined {
  if (!(error instanceof NotFoundError)) console.warn(`record media: could not read ${what}: ${(error as Error).message}`);
  return undefined;
}

async function derivativeText(manifest: DerivativeManifest, file: string): Promise<string | undefined> {
  try {
    return (await getBuffer(getArchive().store, derivativeKey(manifest, file))).toString('utf8');
  } catch (error) {
    return quiet(`${manifest.recordId}/${file}`, error);
  }
}

async function originalText(recordId: string, media: MediaEntry): Promise<string | undefined> {
  if (media.size > MAX_TEXT_BYTES) return undefined; // larger ones are not inlined into the page
  try {
    const { body } = await getArchive().records.openFile(recordId, media.path);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
  } catch (error) {
    return quiet(`${recordId}/${media.path}`, error);
  }
}

export async function readWaveform(manifest: DerivativeManifest): Promise<Waveform | undefined> {
  if (manifest.kind !== 'audio' || !manifest.audio.waveform?.json) return undefined;
  const text = await derivativeText(manifest, manifest.audio.waveform.json);
  if (!text) return undefined;
  try {
    const wave = JSON.parse(text) as Partial<Waveform>;
    return Array.isArray(wave.data) && wave.data.every((n) => typeof n === 'number') ? (wave as Waveform) : undefined;
  } catch (error) {
    return quiet(`${manifest.recordId} waveform`, error);
  }
}

/** A PDF's text, page by page, as the pipeline extracted it. */
export async function readPdfPages(manifest: DerivativeManifest): Promise<PdfText['pages'] | undefined> {
  if (manifest.kind !== 'document') return undefined;
  const text = await derivativeText(manifest, manifest.pdf.text);
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<PdfText>;
    return Array.isArray(parsed.pages) ? parsed.pages.filter((p) => typeof p?.text === 'string' && typeof p.page === 'number') : undefined;
  } catch (error) {
    return quiet(`${manifest.recordId} pdf text`, error);
  }
}

export type TranscriptContent = { kind: 'cues'; cues: Cue[] } | { kind: 'text'; text: string };

/**
 * A caption or transcript entry's content: timed cues when it is WebVTT or
 * SRT (the pipeline's normalised WebVTT when there is one), plain text
 * otherwise.
 */
export async function readTranscript(record: HeritageRecord, media: MediaEntry, manifest: DerivativeManifest | undefined): Promise<TranscriptContent | undefined> {
  try {
    if (manifest?.kind === 'caption') {
      const vtt = await derivativeText(manifest, manifest.caption.file);
      if (vtt) return { kind: 'cues', cues: parseVtt(vtt, media.path) };
    }
    const isVtt = media.type === 'text/vtt' || /\.vtt$/i.test(media.path);
    const isSrt = /subrip|x-srt/i.test(media.type) || /\.srt$/i.test(media.path);
    if (!isVtt && !isSrt && !media.type.startsWith('text/')) return undefined;
    const text = await originalText(record.id, media);
    if (text === undefined) return undefined;
    if (isVtt) return { kind: 'cues', cues: parseVtt(text, media.path) };
    if (isSrt) return { kind: 'cues', cues: parseSrt(text, media.path) };
    const plain = text.replace(/^\uFEFF/, '').trim();
    return plain ? { kind: 'text', text: plain } : undefined;
  } catch (error) {
    // A caption file the pipeline would refuse (CaptionSyntaxError): no transcript rather than a broken page.
    return quiet(`${record.id}/${media.path}`, error);
  }
}
