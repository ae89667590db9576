/**
 * Seeded SVG generator for brocade-style (thổ cẩm) patterns, used to give
 * demo records plausible illustrations without committing binaries.
 *
 * The look follows the weaving of the Cơ Tu, Co and Xơ Đăng: a deep indigo
 * or black ground crossed by horizontal bands of red, white and yellow
 * motifs (diamonds, zigzags, nested lozenges, saw teeth, stripes) and rows
 * of beadwork dots, laid out symmetrically as on a skirt or loincloth.
 * Everything is drawn from a PRNG seeded by a string, so a slug always
 * yields the same picture.
 */

/** A small deterministic PRNG (mulberry32 seeded by a cyrb-style string hash). */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  /** Float in [min, max). */
  range(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

function hashSeed(seed: string): number {
  let h1 = 0xdeadbeef ^ seed.length;
  let h2 = 0x41c6ce57 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    const c = seed.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

export function createRng(seed: string): Rng {
  let state = hashSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    range: (min, max) => min + next() * (max - min),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
  };
}

export interface BrocadePalette {
  ground: string;
  red: string;
  white: string;
  yellow: string;
  /** A sparing extra colour (blue, green or orange threads). */
  accent: string;
}

const GROUNDS = ['#11132a', '#0c0c11', '#161a3a', '#1a1030', '#0f1822'] as const;
const REDS = ['#b3191f', '#c4262e', '#9c1a1f', '#cf3a2a', '#a8142b'] as const;
const WHITES = ['#f3efe3', '#ebe4d2', '#f7f4ec'] as const;
const YELLOWS = ['#e8b624', '#f0c419', '#d89d1a', '#f2cf4a'] as const;
const ACCENTS = ['#2c56a8', '#2f7d4f', '#e2692b', '#7a3e9d'] as const;

export function pickPalette(rng: Rng): BrocadePalette {
  return {
    ground: rng.pick(GROUNDS),
    red: rng.pick(REDS),
    white: rng.pick(WHITES),
    yellow: rng.pick(YELLOWS),
    accent: rng.pick(ACCENTS),
  };
}

export type MotifKind = 'stripes' | 'diamonds' | 'zigzag' | 'lozenges' | 'beads' | 'teeth';
const MOTIFS: readonly MotifKind[] = ['stripes', 'diamonds', 'zigzag', 'lozenges', 'beads', 'teeth'];

interface Band {
  motif: MotifKind;
  height: number;
  /** Band background: usually the ground, sometimes a solid red field. */
  fill: string;
  fg: string;
  fg2: string;
}

const r1 = (n: number): string => String(Math.round(n * 10) / 10);

/**
 * One tile of a band's motif, drawn in a (w × h) box. Tiles repeat through an
 * SVG <pattern>, which keeps the SVG small and fast for librsvg to render.
 */
function motifTile(band: Band, w: number, h: number, rng: Rng): string {
  const { fg, fg2 } = band;
  const cx = w / 2;
  const cy = h / 2;
  switch (band.motif) {
    case 'stripes': {
      // Thin alternating warp stripes, as in the plain borders of a skirt.
      const n = rng.int(3, 6);
      const step = h / n;
      let out = '';
      for (let i = 0; i < n; i++) {
        const colour = i % 2 === 0 ? fg : fg2;
        out += `<rect x="0" y="${r1(i * step + step * 0.2)}" width="${r1(w)}" height="${r1(step * 0.6)}" fill="${colour}"/>`;
      }
      return out;
    }
    case 'diamonds': {
      // Filled diamond with a ground-coloured inner diamond and a bead at the centre.
      const rx = w * 0.46;
      const ry = h * 0.44;
      const inner = 0.5;
      return (
        `<polygon points="${r1(cx)},${r1(cy - ry)} ${r1(cx + rx)},${r1(cy)} ${r1(cx)},${r1(cy + ry)} ${r1(cx - rx)},${r1(cy)}" fill="${fg}"/>` +
        `<polygon points="${r1(cx)},${r1(cy - ry * inner)} ${r1(cx + rx * inner)},${r1(cy)} ${r1(cx)},${r1(cy + ry * inner)} ${r1(cx - rx * inner)},${r1(cy)}" fill="${band.fill}"/>` +
        `<circle cx="${r1(cx)}" cy="${r1(cy)}" r="${r1(Math.min(w, h) * 0.08)}" fill="${fg2}"/>` +
        `<circle cx="0" cy="${r1(cy)}" r="${r1(Math.min(w, h) * 0.06)}" fill="${fg2}"/>` +
        `<circle cx="${r1(w)}" cy="${r1(cy)}" r="${r1(Math.min(w, h) * 0.06)}" fill="${fg2}"/>`
      );
    }
    case 'zigzag': {
      // Double zigzag (the "mountain" line), the second offset by half a period.
      const sw = h * 0.13;
      // Kept well inside the tile so strokes and mitres are never clipped.
      const top = h * 0.3;
      const bottom = h * 0.7;
      const line = (dy: number, colour: string): string =>
        `<polyline points="0,${r1(bottom + dy)} ${r1(cx)},${r1(top + dy)} ${r1(w)},${r1(bottom + dy)}" fill="none" stroke="${colour}" stroke-width="${r1(sw)}" stroke-linejoin="miter"/>`;
      return line(-h * 0.1, fg) + line(h * 0.1, fg2);
    }
    case 'lozenges': {
      // Concentric lozenge outlines joined by a running line through their tips.
      let out = `<line x1="0" y1="${r1(cy)}" x2="${r1(w)}" y2="${r1(cy)}" stroke="${fg2}" stroke-width="${r1(h * 0.05)}"/>`;
      for (let k = 3; k >= 1; k--) {
        const rx = (w * 0.42 * k) / 3;
        const ry = (h * 0.42 * k) / 3;
        out += `<polygon points="${r1(cx)},${r1(cy - ry)} ${r1(cx + rx)},${r1(cy)} ${r1(cx)},${r1(cy + ry)} ${r1(cx - rx)},${r1(cy)}" fill="${k % 2 === 1 ? fg : band.fill}" stroke="${fg2}" stroke-width="${r1(h * 0.03)}"/>`;
      }
      return out;
    }
    case 'beads': {
      // Two staggered rows of beadwork dots (hạt cườm) sewn onto the cloth.
      const r = Math.min(w, h) * 0.16;
      return (
        `<circle cx="${r1(w * 0.25)}" cy="${r1(h * 0.3)}" r="${r1(r)}" fill="${fg}"/>` +
        `<circle cx="${r1(w * 0.75)}" cy="${r1(h * 0.7)}" r="${r1(r)}" fill="${fg2}"/>` +
        `<circle cx="${r1(w * 0.25)}" cy="${r1(h * 0.3)}" r="${r1(r * 0.35)}" fill="${band.fill}" opacity="0.5"/>` +
        `<circle cx="${r1(w * 0.75)}" cy="${r1(h * 0.7)}" r="${r1(r * 0.35)}" fill="${band.fill}" opacity="0.5"/>`
      );
    }
    case 'teeth': {
      // Saw teeth (răng cưa) pointing inwards from both edges of the band.
      return (
        `<polygon points="0,0 ${r1(w)},0 ${r1(cx)},${r1(h * 0.45)}" fill="${fg}"/>` +
        `<polygon points="${r1(-cx)},${r1(h)} ${r1(cx)},${r1(h)} 0,${r1(h * 0.55)}" fill="${fg2}"/>` +
        `<polygon points="${r1(cx)},${r1(h)} ${r1(w + cx)},${r1(h)} ${r1(w)},${r1(h * 0.55)}" fill="${fg2}"/>`
      );
    }
  }
}

function makeBand(rng: Rng, palette: BrocadePalette, unit: number, motif: MotifKind): Band {
  const heights: Record<MotifKind, [number, number]> = {
    stripes: [0.35, 0.7],
    diamonds: [0.9, 1.6],
    zigzag: [0.6, 1.1],
    lozenges: [1.0, 1.8],
    beads: [0.3, 0.5],
    teeth: [0.5, 0.9],
  };
  const [lo, hi] = heights[motif];
  // Co and Cơ Tu cloth often has broad red fields; most bands stay on the dark ground.
  const redField = motif !== 'beads' && rng.chance(0.22);
  const fill = redField ? palette.red : palette.ground;
  const fgChoices = redField ? [palette.white, palette.yellow, palette.ground] : [palette.red, palette.white, palette.yellow];
  const fg = rng.pick(fgChoices);
  const rest = [...fgChoices.filter((c) => c !== fg), ...(rng.chance(0.15) ? [palette.accent] : [])];
  return { motif, height: unit * rng.range(lo, hi), fill, fg, fg2: rng.pick(rest) };
}

export interface BrocadeOptions {
  /** Seed for the PRNG: the record slug (plus a suffix for a second picture). */
  seed: string;
  width: number;
  height: number;
  /** Title printed in a band along the bottom; none when omitted. */
  title?: string;
  /** Smaller second line under the title. */
  caption?: string;
}

/** Escape text for SVG character data and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** Greedy word wrap by an estimated character budget (no font metrics available here). */
export function wrapWords(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// DejaVu ships with Debian's fonts-dejavu-core and covers Vietnamese; the rest are fallbacks.
export const SANS_FONTS = "'DejaVu Sans', 'Noto Sans', 'Liberation Sans', Arial, sans-serif";
export const SERIF_FONTS = "'DejaVu Serif', 'Noto Serif', 'Liberation Serif', 'Times New Roman', serif";

/** Splits text into two lines of similar length (no one-word orphan on the second line). */
function balanceTwoLines(text: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  let best = 1;
  let bestLongest = Infinity;
  for (let i = 1; i < words.length; i++) {
    const longest = Math.max(words.slice(0, i).join(' ').length, words.slice(i).join(' ').length);
    if (longest < bestLongest) [best, bestLongest] = [i, longest];
  }
  return [words.slice(0, best).join(' '), words.slice(best).join(' ')];
}

/** Fit a title into at most two lines in the given box, shrinking the font as needed. */
function titleBlock(title: string, caption: string | undefined, width: number, y: number, bandHeight: number): string {
  const maxWidth = width * 0.9;
  let size = bandHeight * 0.3;
  let lines = wrapWords(title, Math.floor(maxWidth / (size * 0.56)));
  while (lines.length > 2 && size > bandHeight * 0.16) {
    size *= 0.9;
    lines = wrapWords(title, Math.floor(maxWidth / (size * 0.56)));
  }
  if (lines.length > 2) {
    lines = [lines[0] ?? '', `${lines.slice(1).join(' ').slice(0, Math.floor(maxWidth / (size * 0.56)) - 1)}…`];
  } else if (lines.length === 2) {
    lines = balanceTwoLines(title);
  }
  // Shrink everything if two title lines plus the caption overflow the band.
  const fullHeight = (s: number): number => lines.length * s * 1.2 + (caption ? s * 0.55 * 1.4 : 0);
  if (fullHeight(size) > bandHeight * 0.92) size = (size * bandHeight * 0.92) / fullHeight(size);
  const captionSize = size * 0.55;
  const blockHeight = fullHeight(size);
  const top = y + (bandHeight - blockHeight) / 2;
  let out = '';
  lines.forEach((line, i) => {
    const baseline = top + size * (0.95 + 1.2 * i);
    out += `<text x="${r1(width / 2)}" y="${r1(baseline)}" font-family="${SANS_FONTS}" font-size="${r1(size)}" font-weight="bold" fill="#f7f4ec" text-anchor="middle">${escapeXml(line)}</text>`;
  });
  if (caption) {
    const baseline = top + lines.length * size * 1.2 + captionSize * 1.1;
    out += `<text x="${r1(width / 2)}" y="${r1(baseline)}" font-family="${SANS_FONTS}" font-size="${r1(captionSize)}" fill="#d9d2bf" text-anchor="middle">${escapeXml(caption)}</text>`;
  }
  return out;
}

/**
 * Returns an SVG document of a brocade panel. Bands are generated for the top
 * half and mirrored onto the bottom half (flipped), as woven cloth is usually
 * symmetric about its centre line.
 */
export function brocadeSvg(options: BrocadeOptions): string {
  const { width, height } = options;
  const rng = createRng(options.seed);
  const palette = pickPalette(rng);
  const titleHeight = options.title ? Math.round(height * (width > height ? 0.17 : 0.13)) : 0;
  const clothHeight = height - titleHeight;
  const unit = Math.min(width, clothHeight) / 9;

  // A motif sequence with no immediate repeats; thin bands separate the broad ones.
  const half = clothHeight / 2;
  const bands: Band[] = [];
  let used = 0;
  let last: MotifKind | undefined;
  for (;;) {
    const broad = bands.length % 2 === 0;
    const candidates = MOTIFS.filter((m) => m !== last && (broad ? m !== 'stripes' && m !== 'beads' : true));
    const motif = broad ? rng.pick(candidates) : rng.pick(candidates.filter((m) => m === 'stripes' || m === 'beads' || m === 'teeth'));
    const band = makeBand(rng, palette, unit, motif);
    if (used + band.height > half) break;
    bands.push(band);
    used += band.height;
    last = motif;
  }
  // What is left around the centre line gets one unmirrored band with a
  // vertically symmetric motif, so no tile is cut in half where the copies meet.
  const centreHeight = 2 * (half - used);
  const centre =
    centreHeight >= unit * 0.3
      ? { ...makeBand(rng, palette, unit, rng.pick(['diamonds', 'lozenges', 'stripes'] as const)), height: centreHeight }
      : undefined;

  const defs: string[] = [];
  const body: string[] = [];
  const addPattern = (band: Band, id: string): void => {
    const h = band.height;
    const tileW = band.motif === 'stripes' ? width : Math.max(8, Math.min(h, unit * 1.6) * rng.range(1.0, 1.6));
    // Centre the tiles horizontally so the panel is symmetric left-right too.
    const offsetX = (((width / 2 - tileW / 2) % tileW) + tileW) % tileW;
    defs.push(
      `<pattern id="${id}" patternUnits="userSpaceOnUse" x="${r1(offsetX)}" y="0" width="${r1(tileW)}" height="${r1(h)}">` +
        `<rect width="${r1(tileW)}" height="${r1(h)}" fill="${band.fill}"/>${motifTile(band, tileW, h, rng)}</pattern>`,
    );
  };
  let y = 0;
  bands.forEach((band, i) => {
    addPattern(band, `b${i}`);
    const h = band.height;
    // Top copy, then the mirror copy flipped about the centre line.
    // Pattern tiles start at the user-space origin, hence the translate on each copy.
    body.push(`<g transform="translate(0 ${r1(y)})"><rect x="0" y="0" width="${width}" height="${r1(h)}" fill="url(#b${i})"/></g>`);
    body.push(`<g transform="translate(0 ${r1(clothHeight - y)}) scale(1 -1)"><rect x="0" y="0" width="${width}" height="${r1(h)}" fill="url(#b${i})"/></g>`);
    y += h;
  });
  if (centre) {
    addPattern(centre, 'centre');
    body.push(`<g transform="translate(0 ${r1(y)})"><rect x="0" y="0" width="${width}" height="${r1(centre.height)}" fill="url(#centre)"/></g>`);
  }

  // Thread texture and a soft vignette make the flat vector look more like cloth.
  const thread = Math.max(2, Math.round(width / 400));
  defs.push(
    `<pattern id="weave" patternUnits="userSpaceOnUse" width="${thread * 2}" height="${thread * 2}">` +
      `<rect width="${thread * 2}" height="${thread}" fill="#000" opacity="0.10"/>` +
      `<rect width="${thread}" height="${thread * 2}" fill="#fff" opacity="0.04"/></pattern>`,
    `<radialGradient id="vignette" cx="50%" cy="45%" r="75%"><stop offset="55%" stop-color="#000" stop-opacity="0"/><stop offset="100%" stop-color="#000" stop-opacity="0.55"/></radialGradient>`,
  );

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<defs>${defs.join('')}</defs>`,
    `<rect width="${width}" height="${height}" fill="${palette.ground}"/>`,
    ...body,
    `<rect width="${width}" height="${clothHeight}" fill="url(#weave)"/>`,
    `<rect width="${width}" height="${clothHeight}" fill="url(#vignette)"/>`,
  ];
  if (options.title) {
    const stripe = Math.max(3, Math.round(titleHeight * 0.05));
    parts.push(
      `<rect x="0" y="${clothHeight}" width="${width}" height="${titleHeight}" fill="#0b0b10"/>`,
      `<rect x="0" y="${clothHeight}" width="${width}" height="${stripe}" fill="${palette.red}"/>`,
      `<rect x="0" y="${clothHeight + stripe}" width="${width}" height="${Math.max(1, Math.round(stripe / 2))}" fill="${palette.yellow}"/>`,
      titleBlock(options.title, options.caption, width, clothHeight + stripe, titleHeight - stripe),
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
