/**
 * Search synonyms: names that mean the same thing to the people who search
 * the archive. One list, applied by both engines: the embedded engine
 * expands a query with it (query.ts), Meilisearch gets it as its `synonyms`
 * setting (meilisearch.ts). Both take the groups from synonymGroups().
 *
 * The names of each community come from the vocabulary
 * (content/vocabularies/ethnic-groups.json: name and otherNames), so a
 * spelling added there is a synonym at once. This file adds what the
 * vocabulary does not say, as data; a group here that shares a name with a
 * community's group is merged into it.
 *
 * Synonyms widen a query (each name finds the records of all the others),
 * so a group holds only names a visitor would accept as "the same thing".
 * Names of one or two letters (Ve, Co) still find their group, but are
 * never added to another name's query: they would match every "về", "có".
 */
import type { Vocabularies } from '../records/vocabularies';
import { fold } from './text';

export const SYNONYMS: readonly (readonly string[])[] = [
  // The communal house: gươl is the Cơ Tu word; visitors say nhà rông (the Central Highlands word) or nhà làng.
  ['gươl', 'nhà gươl', 'nhà rông', 'nhà làng', 'nhà cộng đồng', 'communal house'],
  // Brocade: the Vietnamese word is what the weavers and the national heritage list use.
  ['thổ cẩm', 'brocade'],
  // Gongs: cồng chiêng is the ensemble (cồng bossed, chiêng flat); English says gong or gongs.
  ['cồng chiêng', 'chiêng', 'gong', 'gongs'],
  // Community names the vocabulary's otherNames lack: "Ca Tu" (an older spelling of Cơ Tu, as Katu is)…
  ['Cơ Tu', 'Ca Tu'],
  // …and local groups that visitors and the records use for the community: most Xơ Đăng in Trà My are Ca Dong,
  // and the Giẻ Triêng of Quảng Nam are often called by their local groups Ve and Bh'noong (issue #14).
  ['Xơ Đăng', 'Ca Dong'],
  ['Giẻ Triêng', 'Ve', "Bh'noong"],
];

/** "Co Tu (Katu)" → ["Co Tu", "Katu"]: English names carry the other name in brackets. */
export function splitBracketed(name: string): string[] {
  const m = /^(.*?)\s*\(([^)]+)\)\s*$/.exec(name);
  return m ? [m[1]!, m[2]!].filter(Boolean) : [name];
}

/** Every name of an ethnic group, both languages and other spellings. */
export function groupNames(group: Vocabularies['ethnicGroups'][number]): string[] {
  return unique([group.name.vi, ...splitBracketed(group.name.en), ...group.otherNames]);
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v.trim().length > 0))];
}

/**
 * The synonym groups both engines use: every community's names, then
 * SYNONYMS, with groups that share a name (after folding) merged, so no name
 * ends up in two groups.
 */
export function synonymGroups(vocab: Pick<Vocabularies, 'ethnicGroups'>, extra: readonly (readonly string[])[] = SYNONYMS): string[][] {
  const groups: string[][] = [];
  const groupOf = new Map<string, string[]>();
  for (const names of [...vocab.ethnicGroups.map(groupNames), ...extra]) {
    // Every existing group that shares a name with this one is folded into the earliest of them.
    const joined = [...new Set(names.map((n) => groupOf.get(fold(n))).filter((g) => g !== undefined))].sort((a, b) => groups.indexOf(a) - groups.indexOf(b));
    const target = joined[0] ?? [];
    if (!joined.length) groups.push(target);
    for (const other of joined.slice(1)) {
      target.push(...other);
      groups.splice(groups.indexOf(other), 1);
    }
    target.push(...names);
    const merged = unique(target);
    target.splice(0, target.length, ...merged);
    for (const n of target) groupOf.set(fold(n), target);
  }
  return groups;
}
