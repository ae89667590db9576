/**
 * Search entry points for the rest of the archive:
 *   openSearchIndex(config, vocab)        the configured engine
 *   registerSearchIndexing(archive, idx)  keep it current on every commit
 *   indexableDocument(...)                record (+ its text media) → document
 */
import type { Config } from '../config';
import type { RecordRepository } from '../records/repository';
import type { HeritageRecord } from '../records/schema';
import { loadVocabularies, type Vocabularies } from '../records/vocabularies';
import { getBuffer, NotFoundError, type ObjectStore } from '../storage';
import { derivativeKey, readDerivativeManifest } from '../derivatives/manifest';
import { captionText, MAX_TEXT_BYTES } from '../media/caption-text';
import { toSearchDocument, type MediaText } from './document';
import { searchEngine } from './engines';
import { synonymGroups } from './synonyms';
import type { SearchDocument, SearchIndex } from './types';

export * from './types';
export { captionText } from '../media/caption-text';
export { toSearchDocument } from './document';
export { SYNONYMS, synonymGroups } from './synonyms';
export { EmbeddedSearchIndex } from './embedded';
export { MeilisearchIndex } from './meilisearch';

/** The configured engine. Vocabularies (for community-name synonyms, see synonyms.ts) are read from CONTENT_DIR unless given. */
export async function openSearchIndex(config: Config, vocab: Vocabularies = loadVocabularies(config.contentDir)): Promise<SearchIndex> {
  return searchEngine(config.search, synonymGroups(vocab)).open();
}

/** What a record's document is made from: the record, its stored media text, the vocabularies. */
export interface IndexSources {
  records: RecordRepository;
  store: ObjectStore;
  vocab: Vocabularies;
}


/**
 * Text a record carries in its media: transcripts and captions from the
 * originals, and a document's extracted text from its derivative
 * (listed in its derivative manifest, written by the media pipeline).
 */
export async function readMediaText(records: RecordRepository, store: ObjectStore, record: HeritageRecord): Promise<MediaText> {
  const transcripts: string[] = [];
  const fulltext: string[] = [];
  for (const media of record.media) {
    try {
      if ((media.kind === 'transcript' || media.kind === 'caption') && /^text\/|subrip|vtt/.test(media.type)) {
        // Larger transcripts and captions are indexed only up to the bound (search needs words, not every word).
        const opened = await records.openFile(record.id, media.path, { range: { start: 0, end: MAX_TEXT_BYTES - 1 } });
        const chunks: Buffer[] = [];
        for await (const chunk of opened.body) chunks.push(Buffer.from(chunk as Uint8Array));
        const text = Buffer.concat(chunks).toString('utf8');
        transcripts.push(media.kind === 'caption' ? captionText(text) : text);
      } else if (media.kind === 'document') {
        // The media pipeline's extracted text (pdf/text.json: one entry per page), once it has run.
        const derived = await readDerivativeManifest(store, record.id, media);
        if (derived?.kind === 'document') {
          const { pages } = JSON.parse((await getBuffer(store, derivativeKey(derived, derived.pdf.text))).toString('utf8')) as { pages: { text: string }[] };
          fulltext.push(pages.map((p) => p.text).join('\n').slice(0, MAX_TEXT_BYTES));
        }
      }
    } catch (error) {
      // Missing derived text is normal before the media pipeline has run; the record is still indexed by its metadata.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return { transcripts, fulltext };
}

/** A record's document, from its head version as read from storage (`modified`: that version's commit time). */
export async function indexableDocument(archive: IndexSources, stored: { record: HeritageRecord; modified: string }): Promise<SearchDocument> {
  return toSearchDocument(stored.record, archive.vocab, await readMediaText(archive.records, archive.store, stored.record), { modified: stored.modified });
}

/**
 * Keeps the index current: every committed version (create, edit, publish,
 * withdraw) replaces the record's document. Withdrawn and draft records stay
 * in the index for staff; their access tokens hide them from everyone else.
 * A failure is reported by the repository and repaired by `npm run reindex`.
 */
export function registerSearchIndexing(archive: IndexSources, index: SearchIndex): void {
  archive.records.addListener(async ({ record, modified }) => {
    await index.upsert([await indexableDocument(archive, { record, modified })]);
  });
}

/** For deletions (the repository has none yet): drop a record's document. */
export async function unindexRecord(index: SearchIndex, id: string): Promise<void> {
  await index.remove([id]);
}
