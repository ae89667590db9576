/**
 * PDF derivatives: page count and the text of every page (unpdf, a bundled
 * pdf.js; 1.8.1 declares Node ≥ 22 but page count and text extraction were
 * checked to work on Node 20), JPEG images of the first pages and a cover
 * thumbnail (poppler's pdftoppm: unpdf's renderer would need a canvas
 * package), and a "scanned" flag for PDFs without a text layer so search
 * and the reading room know the text must come from OCR or a transcript.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { extractText, getDocumentProxy } from 'unpdf';
import { MediaRefusedError, MediaTimeoutError, MediaToolError } from './errors';
import type { MediaLimits } from './limits';

export const PDF_PAGE_IMAGES = 3;
/** Long side of a page image, in pixels. */
export const PDF_PAGE_PIXELS = 1280;
export const PDF_THUMBNAIL_WIDTH = 400;
/** Fewer letters than this per page on average means there is no real text layer. */
const SCANNED_CHARS_PER_PAGE = 10;

export interface PdfDerivatives {
  pages: number;
  scanned: boolean;
  characters: number;
  text: string;
  pageImages: Array<{ page: number; file: string; width: number; height: number }>;
  thumbnail: { file: string; width: number; height: number };
}

export interface PdfText {
  pages: Array<{ page: number; text: string }>;
}

export interface PdfOptions {
  displayName: string;
  limits: MediaLimits;
  onProgress?: (fraction: number) => void;
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]);
}

function pdftoppm(args: string[], limits: MediaLimits, displayName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('pdftoppm', args, { timeout: limits.toolTimeoutMs, killSignal: 'SIGKILL', encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      if (error.killed) return reject(new MediaTimeoutError('pdftoppm', displayName, limits.toolTimeoutMs));
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new MediaToolError('pdftoppm', displayName, 'pdftoppm is not installed (Debian package poppler-utils; run scripts/setup.sh)'));
      }
      reject(new MediaToolError('pdftoppm', displayName, stderr || error.message));
    });
  });
}

/** Reads page count and per-page text; refuses encrypted or unreadable PDFs. */
export async function readPdfText(file: string, options: PdfOptions): Promise<PdfText> {
  const data = new Uint8Array(await fs.readFile(file));
  try {
    return await withTimeout(
      (async () => {
        const doc = await getDocumentProxy(data);
        try {
          const { text } = await extractText(doc, { mergePages: false });
          return { pages: text.map((t, i) => ({ page: i + 1, text: t.replace(/\s+\n/g, '\n').trim() })) };
        } finally {
          await doc.loadingTask.destroy(); // frees pdf.js's worker side and caches
        }
      })(),
      options.limits.toolTimeoutMs,
      () => new MediaTimeoutError('pdf text extraction', options.displayName, options.limits.toolTimeoutMs),
    );
  } catch (error) {
    if (error instanceof MediaTimeoutError) throw error;
    const name = (error as Error).name;
    if (name === 'PasswordException') throw new MediaRefusedError(options.displayName, 'a password-protected PDF', 'its text and pages cannot be read without the password');
    throw new MediaRefusedError(options.displayName, 'a PDF that cannot be parsed', (error as Error).message.slice(0, 200));
  }
}

export async function makePdfDerivatives(file: string, outDir: string, options: PdfOptions): Promise<PdfDerivatives> {
  const dir = path.join(outDir, 'pdf');
  await fs.mkdir(dir, { recursive: true });
  const text = await readPdfText(file, options);
  const pages = text.pages.length;
  if (pages === 0) throw new MediaRefusedError(options.displayName, 'a PDF with no pages', 'there is nothing to show');
  const characters = text.pages.reduce((n, p) => n + p.text.replace(/\s/g, '').length, 0);
  await fs.writeFile(path.join(dir, 'text.json'), JSON.stringify(text));
  options.onProgress?.(0.3);

  const pageImages: PdfDerivatives['pageImages'] = [];
  const count = Math.min(PDF_PAGE_IMAGES, pages);
  for (let page = 1; page <= count; page++) {
    const base = path.join(dir, `page-${page}`);
    await pdftoppm(['-q', '-f', String(page), '-l', String(page), '-singlefile', '-jpeg', '-jpegopt', 'quality=80', '-scale-to', String(PDF_PAGE_PIXELS), file, base], options.limits, options.displayName);
    const meta = await sharp(`${base}.jpg`).metadata();
    pageImages.push({ page, file: `pdf/page-${page}.jpg`, width: meta.width ?? 0, height: meta.height ?? 0 });
    options.onProgress?.(0.3 + (0.6 * page) / count);
  }
  const thumb = await sharp(path.join(dir, 'page-1.jpg')).resize({ width: PDF_THUMBNAIL_WIDTH, withoutEnlargement: true }).jpeg({ quality: 80 }).toFile(path.join(dir, 'cover.jpg'));
  return {
    pages,
    scanned: characters < SCANNED_CHARS_PER_PAGE * pages,
    characters,
    text: 'pdf/text.json',
    pageImages,
    thumbnail: { file: 'pdf/cover.jpg', width: thumb.width, height: thumb.height },
  };
}
