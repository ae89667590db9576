/**
 * Text for xmlbuilder2 that reads back exactly as typed. xmlbuilder2 does
 * not escape an `&` that already looks like a reference (`&lt;`, `&#60;`,
 * `&nbsp;`), so a typed `&lt;script&gt;` would read back as `<script>` and a
 * typed `&nbsp;` would make the document ill-formed; and XML 1.0 cannot carry
 * most control characters at all, not even escaped. Every writer of XML from
 * people's text (feeds, Dublin Core, OAI-PMH) passes it through here.
 */

/** Characters XML 1.0 cannot carry. */
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Drops what XML cannot carry and writes every `&` as `&amp;` (xmlbuilder2 escapes `<`, `>` and `"` itself). */
export function xmlText(text: string): string {
  return text.replace(XML_INVALID, '').replace(/&/g, '&amp;');
}

/** Whether the text holds a character XML cannot carry (then it cannot be echoed, only refused). */
export function hasNonXmlCharacters(text: string): boolean {
  return new RegExp(XML_INVALID.source, 'u').test(text);
}
