/**
 * The kinds of file an archive record holds. Defined here, with the tools
 * that tell them apart by content (sniff-bytes.ts), so that lib/media needs
 * nothing from lib/records; the record schema builds on this list.
 */
export const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'caption', 'transcript', 'other'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];
