/**
 * Captions and transcripts: WebVTT or SRT in, WebVTT out (the only format
 * the HTML <track> element plays). Parsing is strict enough that a broken
 * file is refused with the line number of the first problem, so the
 * officer who made it can fix it, and lenient about what does no harm
 * (a BOM, CRLF line ends, missing SRT counters, '.' for ',' in SRT times).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { MediaRefusedError } from './errors';

export interface Cue {
  id?: string;
  start: number;
  end: number;
  /** Cue payload, lines joined with \n, in WebVTT markup. */
  text: string;
  /** WebVTT cue settings (position, align…), kept as written. */
  settings?: string;
}

/** A caption file problem, with the 1-based line it was found on. */
export class CaptionSyntaxError extends MediaRefusedError {
  constructor(file: string, readonly line: number, problem: string) {
    super(file, `a caption file with an error on line ${line}`, problem);
    this.message = `${file} line ${line}: ${problem}`;
    this.name = 'CaptionSyntaxError';
  }
}

// SRT writes 00:00:01,000 (some tools write '.'); WebVTT only ever '.'.
const time = (sep: string) => String.raw`(?:(\d{1,3}):)?([0-5]\d):([0-5]\d)[${sep}](\d{3})`;
const timingLine = (sep: string) => new RegExp(String.raw`^${time(sep)}[ \t]+-->[ \t]+${time(sep)}(?:[ \t]+(.*))?$`);
const SRT_TIMING = timingLine('.,');
const VTT_TIMING = timingLine('.');

function seconds(h: string | undefined, m: string, s: string, ms: string): number {
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
}

/** Parses a timing line, or explains what is wrong with it. */
function timing(file: string, lineNo: number, line: string, srt: boolean): { start: number; end: number; settings?: string } {
  const m = (srt ? SRT_TIMING : VTT_TIMING).exec(line.trim());
  if (!m) {
    const example = srt ? '00:00:01,000 --> 00:00:04,000' : '00:00:01.000 --> 00:00:04.000';
    throw new CaptionSyntaxError(file, lineNo, `expected a timing line like "${example}", found "${line.slice(0, 80)}"`);
  }
  const start = seconds(m[1], m[2]!, m[3]!, m[4]!);
  const end = seconds(m[5], m[6]!, m[7]!, m[8]!);
  if (end <= start) throw new CaptionSyntaxError(file, lineNo, `the cue ends (${m[0].split('-->')[1]!.trim().split(/\s/)[0]}) before or when it starts`);
  const settings = m[9]?.trim();
  if (srt && settings) throw new CaptionSyntaxError(file, lineNo, `unexpected text after the end time: "${settings.slice(0, 40)}"`);
  return { start, end, ...(settings ? { settings } : {}) };
}

/** Escapes what WebVTT would misread; keeps the simple tags both formats share (<i>, <b>, <u>), drops SRT's <font>. */
function srtTextToVtt(text: string): string {
  return text
    .replace(/<\/?font[^>]*>/gi, '')
    .replace(/&(?![a-z]+;|#\d+;)/gi, '&amp;')
    .replace(/<(?!\/?[ibu]>)/gi, '&lt;');
}

export function parseSrt(source: string, file: string): Cue[] {
  const all = lines(source);
  const cues: Cue[] = [];
  let i = 0;
  while (i < all.length) {
    while (i < all.length && all[i]!.trim() === '') i++;
    if (i >= all.length) break;
    let id: string | undefined;
    if (/^\d+$/.test(all[i]!.trim())) {
      id = all[i]!.trim();
      i++;
      if (i >= all.length) throw new CaptionSyntaxError(file, i, `cue ${id} has no timing line`);
    }
    const t = timing(file, i + 1, all[i]!, true);
    i++;
    const text: string[] = [];
    while (i < all.length && all[i]!.trim() !== '') {
      if (all[i]!.includes('-->')) throw new CaptionSyntaxError(file, i + 1, 'a timing line inside a cue: a blank line is missing before it');
      text.push(all[i]!);
      i++;
    }
    cues.push({ ...(id ? { id } : {}), start: t.start, end: t.end, text: srtTextToVtt(text.join('\n')) });
  }
  if (cues.length === 0) throw new CaptionSyntaxError(file, 1, 'the file has no cues');
  return cues;
}

export function parseVtt(source: string, file: string): Cue[] {
  const all = lines(source);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(all[0] ?? '')) throw new CaptionSyntaxError(file, 1, 'a WebVTT file must start with "WEBVTT"');
  let i = 1;
  // The header runs to the first blank line.
  while (i < all.length && all[i]!.trim() !== '') {
    if (all[i]!.includes('-->')) throw new CaptionSyntaxError(file, i + 1, 'a blank line is needed between "WEBVTT" and the first cue');
    i++;
  }
  const cues: Cue[] = [];
  while (i < all.length) {
    while (i < all.length && all[i]!.trim() === '') i++;
    if (i >= all.length) break;
    const first = all[i]!;
    if (/^(NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) {
      while (i < all.length && all[i]!.trim() !== '') i++;
      continue;
    }
    let id: string | undefined;
    if (!first.includes('-->')) {
      id = first.trim();
      i++;
      if (i >= all.length || all[i]!.trim() === '') throw new CaptionSyntaxError(file, i, `cue "${id.slice(0, 40)}" has no timing line`);
    }
    const t = timing(file, i + 1, all[i]!, false);
    i++;
    const text: string[] = [];
    while (i < all.length && all[i]!.trim() !== '') {
      if (all[i]!.includes('-->')) throw new CaptionSyntaxError(file, i + 1, 'cue text must not contain "-->" (a blank line is missing before this cue?)');
      text.push(all[i]!);
      i++;
    }
    cues.push({ ...(id ? { id } : {}), start: t.start, end: t.end, text: text.join('\n'), ...(t.settings ? { settings: t.settings } : {}) });
  }
  if (cues.length === 0) throw new CaptionSyntaxError(file, Math.max(1, all.findLastIndex((l) => l.trim() !== '') + 1), 'the file has no cues');
  return cues;
}

function vttTime(s: number): string {
  const ms = Math.round(s * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(Math.floor((ms % 60_000) / 1000))}.${pad(ms % 1000, 3)}`;
}

export function toWebVtt(cues: readonly Cue[]): string {
  const blocks = cues.map((c) => `${c.id ? `${c.id}\n` : ''}${vttTime(c.start)} --> ${vttTime(c.end)}${c.settings ? ` ${c.settings}` : ''}\n${c.text}`);
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}

/** SRT or WebVTT source → WebVTT text; throws CaptionSyntaxError with the line number. */
export function captionsToWebVtt(source: string, format: 'srt' | 'vtt', file: string): { vtt: string; cues: Cue[] } {
  const cues = format === 'srt' ? parseSrt(source, file) : parseVtt(source, file);
  return { vtt: toWebVtt(cues), cues };
}

export interface CaptionDerivatives {
  file: string;
  sourceFormat: 'srt' | 'vtt';
  cues: number;
  /** End of the last cue, in seconds. */
  durationSeconds: number;
}

export async function makeCaptionDerivatives(file: string, outDir: string, format: 'srt' | 'vtt', displayName: string): Promise<CaptionDerivatives> {
  const raw = await fs.readFile(file);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new MediaRefusedError(displayName, 'text that is not UTF-8', 'caption files must be saved as UTF-8');
  }
  const { vtt, cues } = captionsToWebVtt(source, format, displayName);
  await fs.mkdir(path.join(outDir, 'caption'), { recursive: true });
  await fs.writeFile(path.join(outDir, 'caption', 'captions.vtt'), vtt);
  return { file: 'caption/captions.vtt', sourceFormat: format, cues: cues.length, durationSeconds: Math.max(...cues.map((c) => c.end)) };
}
