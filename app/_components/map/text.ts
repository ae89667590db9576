/**
 * Text for Leaflet, which writes any string it is given (tooltips, popups,
 * attribution) into the page as HTML. Place names are typed by officers and
 * the attribution comes from a setting, so neither may become markup: give
 * Leaflet an element holding a text node, or escape where it only takes a
 * string (the attribution control).
 */

/** An element showing `text` as it is (textContent never parses HTML). */
export function textElement<K extends keyof HTMLElementTagNameMap = 'span'>(text: string, tag: K = 'span' as K): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.textContent = text;
  return element;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text as HTML that shows exactly that text. For Leaflet's attribution,
 * which only takes a string: MAP_ATTRIBUTION is shown as written, so a
 * setting like `&copy; <a href="…">OpenStreetMap</a>` shows its tags too;
 * write it as plain text ("© OpenStreetMap contributors").
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
