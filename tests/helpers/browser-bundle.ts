/**
 * Bundles a few lines of client code (importing the site's components by `@/…`) into one production script and
 * its CSS, with Vite, for tests that mount a component in Chromium without the whole site.
 */
import path from 'node:path';
import { ROOT } from './cli';

export async function browserBundle(name: string, entry: string): Promise<{ js: string; css: string }> {
  const { build } = await import('vite');
  const virtual = `virtual:${name}`;
  const id = path.join(ROOT, `__${name}.js`);
  const output = await build({
    root: ROOT,
    configFile: false,
    logLevel: 'error',
    // Inline (empty) PostCSS settings: the site's Tailwind config is not wanted for Leaflet's CSS.
    css: { postcss: {} },
    resolve: { alias: { '@': ROOT } },
    // A production bundle, as the site ships (vitest runs with NODE_ENV=test, which would pick React's development JSX).
    mode: 'production',
    define: { 'process.env.NODE_ENV': '"production"' },
    oxc: { jsx: { runtime: 'automatic', development: false } },
    plugins: [{ name, resolveId: (source) => (source === virtual ? id : null), load: (source) => (source === id ? entry : null) }],
    build: { write: false, minify: false, rolldownOptions: { input: virtual, output: { codeSplitting: false } } },
  });
  const files = (Array.isArray(output) ? output : [output]).flatMap((o) => ('output' in o ? o.output : []));
  const js = files.find((f) => f.type === 'chunk');
  const css = files.filter((f) => f.type === 'asset' && f.fileName.endsWith('.css')).map((f) => String((f as { source: string | Uint8Array }).source));
  if (!js || js.type !== 'chunk') throw new Error('no bundle');
  return { js: js.code, css: css.join('\n') };
}
