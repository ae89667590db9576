/**
 * Accessibility: axe-core (WCAG 2.0/2.1 A and AA rules) finds no serious or
 * critical violation on the public pages, in Vietnamese and in English.
 */
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findVideoRecord } from '../helpers/demo-server';
import { launchChromium } from './browser';

const baseUrl = inject('baseUrl');

const LOCALES = ['vi', 'en'] as const;
/** Public pages checked in each language; `{l}` is the locale, `{id}`/`{slug}` a public record with a video. */
const PAGES = [
  ['home', '/{l}'],
  ['search', '/{l}/search?q=chieng'],
  ['record with video', '/{l}/records/{id}/{slug}'],
  ['community', '/{l}/communities/co-tu'],
  ['library', '/{l}/library'],
  ['calendar', '/{l}/calendar'],
] as const;
const RULE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING: (string | null | undefined)[] = ['serious', 'critical'];

let browser: Browser;
let page: Page;
let record: { id: string; slug: string };

beforeAll(async () => {
  record = await findVideoRecord(baseUrl);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
});
afterAll(async () => browser?.close());

interface Check {
  message: string;
}
interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; any: Check[]; all: Check[]; none: Check[] }[];
}

/** One line per violation, then its first three nodes with what axe found wrong there. */
function describeViolations(url: string, violations: Violation[]): string {
  const lines = violations.flatMap((v) => [
    `  - ${v.id} [${v.impact}] ${v.help} (${v.helpUrl.replace(/\?.*$/, '')})`,
    ...v.nodes.slice(0, 3).map((n) => {
      const why = [...n.any, ...n.all, ...n.none][0]?.message ?? '';
      return `      ${n.target.map(String).join(' >>> ')}${why ? `  — ${why.length > 240 ? why.slice(0, 239) + '…' : why}` : ''}`;
    }),
    ...(v.nodes.length > 3 ? [`      … and ${v.nodes.length - 3} more node(s)`] : []),
  ]);
  return `${violations.length} serious/critical accessibility violation(s) on ${url}:\n${lines.join('\n')}\n`;
}

describe.each(LOCALES)('accessibility (%s)', (locale) => {
  it.each(PAGES)('%s has no serious or critical WCAG 2.1 AA violation', async (_name, template) => {
    const url = baseUrl + template.replace('{l}', locale).replace('{id}', record.id).replace('{slug}', record.slug);
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response?.status(), url).toBe(200);
    // Client components settle before axe looks; a buffering video may keep the network busy, so do not insist.
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
    await page.addScriptTag({ content: axe.source });
    const results = await page.evaluate((tags) => {
      const { axe: injected } = window as unknown as { axe: typeof import('axe-core') };
      return injected.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    }, RULE_TAGS);
    const blocking = (results.violations as Violation[]).filter((v) => BLOCKING.includes(v.impact));
    expect(blocking.length, describeViolations(url, blocking)).toBe(0);
  });
});
