/**
 * Caption and transcript text, the one way: a caption file (WebVTT, SRT) as
 * plain text for the search index, and a cue's payload as people read it on
 * the record page. Pure (no Node or browser APIs), so client components,
 * the indexer and tests share it; captions.ts parses and converts files.
 */

/** Caption and transcript originals are read whole (indexed, inlined into a page) only up to this size. */
export const MAX_TEXT_BYTES = 2 * 1024 * 1024;

/** Caption files (WebVTT, SRT) as plain text: cue numbers, timings and headers dropped. */
export function captionText(raw: string): string {
  return raw
    .split(/\r?\n/)
    .filter((line) => !/^(WEBVTT|NOTE\b|\d+$|[\d:.,]+\s*-->)/.test(line.trim()))
    .join('\n');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', nbsp: '\u00a0', lrm: '\u200e', rlm: '\u200f', quot: '"', apos: "'" };

/** A WebVTT cue payload as plain text: voice spans become "Name: ", other tags go, entities are decoded. */
export function cuePlainText(text: string): string {
  return text
    .replace(/<v(?:\.[^\s>]*)?\s+([^>]+)>/g, (_, name: string) => `${name.trim()}: `)
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .trim();
}
