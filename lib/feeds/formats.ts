/**
 * Atom 1.0, RSS 2.0 and JSON Feed 1.1 writers for a list of entries.
 *
 * Titles and summaries are typed by people, so they are published as text,
 * never as HTML: Atom `type="text"`, JSON Feed `content_text`, and in RSS
 * (whose <description> readers treat as HTML) as HTML-escaped text. The
 * `feed` package used before wrote titles as `type="html"` CDATA, let a
 * second `]]>` close the CDATA, and left `<` and `&` raw in attributes.
 *
 * XML is built with xmlbuilder2, but every string goes through xmlText
 * first: xmlbuilder2 does not escape an `&` that already looks like a
 * reference (`&lt;`, `&#60;`, `&nbsp;`), so a typed `&lt;script&gt;` would
 * be read back as `<script>`, and `&nbsp;` would make the feed ill-formed.
 */
import { create } from 'xmlbuilder2';
import { xmlText } from '../http/xml-text';

export interface FeedCategory {
  /** The vocabulary id (Atom requires `term`). */
  term: string;
  /** Where the term's page lives; term appended gives the page. */
  scheme: string;
  label: string;
}

export interface FeedText {
  text: string;
  /** Set when the text is not in the feed's language (an English feed showing a Vietnamese title). */
  lang?: string;
}

export interface FeedEntry {
  id: string;
  url: string;
  title: FeedText;
  summary: FeedText;
  published: Date;
  categories: FeedCategory[];
  /** Rights statement or licence URI of the record. */
  rights: string;
}

export interface FeedMeta {
  lang: string;
  id: string;
  title: string;
  subtitle: string;
  homeUrl: string;
  links: { atom: string; rss: string; json: string };
  /** Atom needs an author for every entry: the archive itself, since people's names may be withheld. */
  author: { name: string; url: string };
  rights: string;
  updated: Date;
}


/** The same for every value of an attribute list. */
function xmlAttrs(attrs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, xmlText(v)]));
}

type XmlNode = ReturnType<typeof create>;

/** Appends <name attrs>text</name>. */
function appendText(parent: XmlNode, name: string, text: string, attrs: Record<string, string> = {}): XmlNode {
  return parent.ele(name, xmlAttrs(attrs)).txt(xmlText(text));
}

/** Text as HTML that shows exactly that text. */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const ATOM_NS = 'http://www.w3.org/2005/Atom';

export function atomFeed(meta: FeedMeta, entries: FeedEntry[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const feed = doc.ele(ATOM_NS, 'feed', { 'xml:lang': meta.lang });
  appendText(feed, 'id', meta.id);
  appendText(feed, 'title', meta.title, { type: 'text' });
  appendText(feed, 'subtitle', meta.subtitle, { type: 'text' });
  appendText(feed, 'updated', meta.updated.toISOString());
  feed.ele('link', xmlAttrs({ rel: 'self', type: 'application/atom+xml', href: meta.links.atom }));
  feed.ele('link', xmlAttrs({ rel: 'alternate', type: 'text/html', href: meta.homeUrl }));
  const author = feed.ele('author');
  appendText(author, 'name', meta.author.name);
  appendText(author, 'uri', meta.author.url);
  appendText(feed, 'rights', meta.rights, { type: 'text' });
  for (const entry of entries) {
    const item = feed.ele('entry');
    appendText(item, 'id', entry.id);
    appendText(item, 'title', entry.title.text, atomTextAttrs(entry.title));
    item.ele('link', xmlAttrs({ rel: 'alternate', type: 'text/html', href: entry.url }));
    appendText(item, 'published', entry.published.toISOString());
    appendText(item, 'updated', entry.published.toISOString());
    appendText(item, 'summary', entry.summary.text, atomTextAttrs(entry.summary));
    for (const c of entry.categories) item.ele('category', xmlAttrs({ term: c.term, scheme: c.scheme, label: c.label }));
    appendText(item, 'rights', entry.rights, { type: 'text' });
  }
  return doc.end({ prettyPrint: true });
}

/** An Atom text construct that is plain text, in another language than the feed's when it says so. */
function atomTextAttrs(value: FeedText): Record<string, string> {
  return { type: 'text', ...(value.lang ? { 'xml:lang': value.lang } : {}) };
}

export function rssFeed(meta: FeedMeta, entries: FeedEntry[]): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const channel = doc.ele('rss', { version: '2.0', 'xmlns:atom': ATOM_NS }).ele('channel');
  appendText(channel, 'title', meta.title);
  appendText(channel, 'link', meta.homeUrl);
  appendText(channel, 'description', meta.subtitle);
  appendText(channel, 'language', meta.lang);
  appendText(channel, 'copyright', meta.rights);
  appendText(channel, 'lastBuildDate', meta.updated.toUTCString());
  appendText(channel, 'docs', 'https://www.rssboard.org/rss-specification');
  channel.ele(ATOM_NS, 'atom:link', xmlAttrs({ href: meta.links.rss, rel: 'self', type: 'application/rss+xml' }));
  for (const entry of entries) {
    const item = channel.ele('item');
    // RSS has no way to say "plain text": the title is written as text (the RSS profile's reading),
    // and the description, which readers render as HTML, as HTML that shows the text.
    appendText(item, 'title', entry.title.text);
    appendText(item, 'link', entry.url);
    appendText(item, 'guid', entry.id, { isPermaLink: 'false' });
    appendText(item, 'pubDate', entry.published.toUTCString());
    appendText(item, 'description', escapeHtml(entry.summary.text));
    for (const c of entry.categories) appendText(item, 'category', c.label, { domain: c.scheme });
  }
  return hexCharacterReferences(doc.end({ prettyPrint: true }));
}

/**
 * The RSS Best Practices Profile asks for `&`, `<` and `>` in text as the
 * references &#x26; &#x3C; &#x3E;, the form the most readers decode the
 * same way (the W3C validator warns otherwise). xmlbuilder2 escapes with
 * the named entities, only ever as escapes, so swapping them is exact.
 */
function hexCharacterReferences(xml: string): string {
  const hex: Record<string, string> = { amp: '&#x26;', lt: '&#x3C;', gt: '&#x3E;' };
  return xml.replace(/&(amp|lt|gt);/g, (_, name: string) => hex[name]!);
}

export function jsonFeed(meta: FeedMeta, entries: FeedEntry[]): string {
  return JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: meta.title,
      description: meta.subtitle,
      home_page_url: meta.homeUrl,
      feed_url: meta.links.json,
      language: meta.lang,
      authors: [{ name: meta.author.name, url: meta.author.url }],
      items: entries.map((entry) => ({
        id: entry.id,
        url: entry.url,
        title: entry.title.text,
        // content_text, never content_html: readers show it as it is.
        content_text: entry.summary.text,
        date_published: entry.published.toISOString(),
        tags: entry.categories.map((c) => c.label),
        ...(entry.summary.lang ? { language: entry.summary.lang } : {}),
      })),
    },
    null,
    2,
  );
}
