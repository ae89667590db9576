/** The vocabularies as the editor's option lists, labelled in Vietnamese. */
import type { Vocabularies } from '../records/vocabularies';

export function editorVocab(vocab: Vocabularies) {
  return {
    types: vocab.recordTypes.map((t) => ({ id: t.id, label: t.label.vi })),
    groups: vocab.ethnicGroups.map((g) => ({ id: g.id, label: g.name.vi })),
    districts: vocab.districts.map((d) => ({ id: d.id, label: d.name.vi })),
    subjects: vocab.subjects.map((s) => ({ id: s.id, label: s.label.vi })),
    inventory: vocab.inventory.map((e) => ({ id: e.id, label: e.name.vi })),
    documentKinds: vocab.documentKinds.map((k) => ({ id: k.id, label: k.label.vi })),
  };
}

/** The place picker's map: tiles from the settings, the districts as landmarks. */
export function editorMap(vocab: Vocabularies, settings: { tileUrl: string; attribution: string }) {
  return { ...settings, districts: vocab.districts.map((d) => ({ id: d.id, name: d.name.vi, lat: d.lat, lon: d.lon })) };
}
