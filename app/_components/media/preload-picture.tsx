'use client';
/**
 * Announces a page's likely LCP picture, so its download starts with the first bytes of the page.
 *
 * Called from a client component on purpose: a `preload()` made while the server renders the page's RSC tree
 * reaches the HTML render only as a hint in the RSC payload, which the browser acts on after the framework's
 * scripts have loaded. Made here, during the HTML render, React writes it at the top of `<head>`, before the
 * stylesheet and the scripts (its place for high-priority images).
 */
import { preload } from 'react-dom';

export function PreloadPicture({ href, type, srcSet, sizes }: { href: string; type: string; srcSet: string; sizes: string }): null {
  preload(href, { as: 'image', type, imageSrcSet: srcSet, imageSizes: sizes, fetchPriority: 'high' });
  return null;
}
