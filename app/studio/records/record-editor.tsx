'use client';
/**
 * The record editor: a plain form that works without JavaScript through the
 * server action, with each error next to its field and a list of them on
 * top. With JavaScript, a failed save keeps everything typed, a new record's
 * address follows its title, and rows of places and people can be added.
 *
 * Controls are named by schema path and filled from recordToValues()
 * (lib/studio/record-form.ts), which is exactly what a save reads back: the
 * unit test record-form-roundtrip renders this editor and checks that an
 * unchanged form saves the record unchanged.
 */
import { useActionState, useEffect, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import type { AccessLevel } from '@/lib/records/schema';
import { slugify } from '@/lib/records/slug';
import { ACCESS_CHOICES, RIGHTS, fieldLabel, label, type EditorVocab, type Option } from '@/lib/studio/editor-vocab';
import type { FormErrors, FormValues } from '@/lib/studio/record-form';
import { saveRecord, type EditorState } from './actions';
import { MapPicker, type MapSettings } from './map-picker';
import { AccessBanner } from './access-banner';

export interface RecordEditorProps {
  id?: string;
  version?: number;
  initial: FormValues;
  vocab: EditorVocab;
  map: MapSettings;
}

// Controls and tick boxes are at least 44 px high: officers fill this in on phones, often outdoors.
const INPUT = 'min-h-11 w-full rounded border border-ink/30 bg-white px-3 py-2 text-base aria-invalid:border-2 aria-invalid:border-madder';
const CHOICE = 'inline-flex min-h-11 cursor-pointer items-center gap-2 rounded px-2 py-1 hover:bg-ink/5';
const BOX = 'h-5 w-5 shrink-0 accent-ink aria-invalid:outline-2 aria-invalid:outline-madder';
const BUTTON = 'min-h-11 rounded px-5 py-2 font-semibold';

export function RecordEditor(props: RecordEditorProps) {
  const [state, action, pending] = useActionState<EditorState, FormData>(saveRecord, {});
  // A new attempt remounts the form, so it shows what was posted rather than what the page first had.
  return <EditorForm key={state.attempt ?? 0} {...props} state={state} action={action} pending={pending} />;
}

function EditorForm({ id, version, initial, vocab, map, state, action, pending }: RecordEditorProps & { state: EditorState; action: (form: FormData) => void; pending: boolean }) {
  const values = state.values ?? initial;
  const kit = fieldKit(values, state.errors);
  const formRef = useRef<HTMLFormElement>(null);
  const [level, setLevel] = useState(kit.one('access.level'));
  const hydrated = useHydrated();

  // After a refused save, take the person to the first field that needs them.
  useEffect(() => {
    if (!state.attempt) return;
    const form = formRef.current;
    const first = form?.querySelector<HTMLElement>('[aria-invalid=true]') ?? form?.querySelector<HTMLElement>('[role=alert]');
    first?.scrollIntoView({ block: 'center' });
    first?.focus();
  }, [state.attempt]);

  return (
    <form ref={formRef} action={action} className="grid gap-6" noValidate>
      {id && <input type="hidden" name="id" value={id} />}
      {version && <input type="hidden" name="version" value={version} />}
      <Problems message={state.message} errors={state.errors} />
      <AccessBanner level={level} testId="access-banner" />
      <Names kit={kit} vocab={vocab} isNew={!id} />
      {kit.area('description.vi', 6, { required: true })}
      {kit.area('description.en', 4, { lang: 'en' })}
      {kit.checks('ethnicGroups', vocab.groups)}
      <Rows group="places" title="Địa điểm" values={values} hydrated={hydrated} add="+ Thêm địa điểm">
        {(i, filled) => <PlaceRow key={i} kit={kit} i={i} vocab={vocab} map={i === 0 ? map : undefined} removable={filled} />}
      </Rows>
      {kit.text('recordedOn', { placeholder: 'vd. 15/03/2023, 03/2023 hoặc 2023' })}
      <Season kit={kit} />
      {kit.checks('subjects', vocab.subjects)}
      <Languages kit={kit} options={vocab.languages} />
      <Rows group="people" title="Người tham gia" values={values} hydrated={hydrated} add="+ Thêm người">
        {(i, filled) => <PersonRow key={i} kit={kit} i={i} vocab={vocab} removable={filled} />}
      </Rows>
      {kit.select('inventoryElement', vocab.inventory)}
      <fieldset className="grid gap-4 rounded border border-ink/15 p-4">
        <legend className="px-1 font-semibold">Quyền và quy ước cộng đồng</legend>
        {kit.select('rights.uri', RIGHTS, { required: true })}
        {kit.text('rights.holder')}
        {kit.area('rights.protocolNote.vi', 2)}
        {kit.area('rights.protocolNote.en', 2, { lang: 'en' })}
        <AccessChoice kit={kit} level={level} onChange={setLevel} groups={vocab.groups} />
      </fieldset>
      <DocumentFields kit={kit} vocab={vocab} />
      <div className="grid gap-3">
        <AccessBanner level={level} testId="access-banner-submit" />
        <div>
          <button type="submit" disabled={pending} className={`${BUTTON} bg-ink text-bone disabled:opacity-60`}>
            {pending ? 'Đang lưu…' : 'Lưu hồ sơ'}
          </button>
        </div>
      </div>
    </form>
  );
}

/* ---------- the pieces of the form ---------- */

type Kit = ReturnType<typeof fieldKit>;

/** The controls, bound to the form's values and errors. Every control is labelled from FIELD_LABELS and carries its error. */
function fieldKit(values: FormValues, errors: FormErrors = {}) {
  const one = (name: string) => values[name]?.[0] ?? '';
  const many = (name: string) => values[name] ?? [];
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {});
  const error = (name: string) =>
    errors[name] ? (
      <span className="text-sm font-semibold text-madder" id={`${name}-error`}>
        {errors[name]}
      </span>
    ) : null;
  const caption = (name: string, required?: boolean) => `${label(name)}${required ? ' *' : ''}`;
  /** The options, plus any stored value they lack (an old code, a retired entry): shown, so a save keeps it. */
  const withCurrent = (options: Option[], current: string[]) => [...options, ...current.filter((v) => v && !options.some((o) => o.id === v)).map((v) => ({ id: v, label: v }))];

  return {
    one,
    many,
    error,
    text: (name: string, props: InputHTMLAttributes<HTMLInputElement> & { ref?: React.Ref<HTMLInputElement> } = {}) => (
      <label className="grid gap-1 text-sm">
        {caption(name, props.required)}
        <input id={name} name={name} defaultValue={one(name)} className={INPUT} {...invalid(name)} {...props} />
        {error(name)}
      </label>
    ),
    area: (name: string, rows: number, props: { required?: boolean; lang?: string } = {}) => (
      <label className="grid gap-1 text-sm">
        {caption(name, props.required)}
        <textarea id={name} name={name} defaultValue={one(name)} rows={rows} className={INPUT} {...invalid(name)} {...props} />
        {error(name)}
      </label>
    ),
    select: (name: string, options: Option[], props: { required?: boolean; blank?: boolean } = {}) => (
      <label className="grid gap-1 text-sm">
        {caption(name, props.required)}
        <select id={name} name={name} defaultValue={one(name)} className={INPUT} {...invalid(name)}>
          {props.blank !== false && <option value="">—</option>}
          {withCurrent(options, [one(name)]).map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
        {error(name)}
      </label>
    ),
    checks: (name: string, options: Option[], legend: ReactNode = caption(name)) => (
      <fieldset id={name} className="text-sm">
        <legend>{legend}</legend>
        <div className="mt-1 flex flex-wrap gap-x-2">
          {withCurrent(options, many(name)).map((o) => (
            <label key={o.id} className={CHOICE}>
              <input type="checkbox" name={name} value={o.id} defaultChecked={many(name).includes(o.id)} className={BOX} {...invalid(name)} />
              {o.label}
            </label>
          ))}
        </div>
        {error(name)}
      </fieldset>
    ),
    radios: (name: string, options: Option[], fallback = '') => (
      <fieldset id={name} className="text-sm">
        <legend>{caption(name)}</legend>
        <div className="mt-1 flex flex-wrap gap-x-2">
          {options.map((o) => (
            <label key={o.id} className={CHOICE}>
              <input type="radio" name={name} value={o.id} defaultChecked={(one(name) || fallback) === o.id} className={BOX} {...invalid(name)} />
              {o.label}
            </label>
          ))}
        </div>
        {error(name)}
      </fieldset>
    ),
  };
}

/** Whether the page has come alive (JavaScript ran): controls that need it appear only then. */
function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

function Problems({ message, errors = {} }: { message?: string; errors?: FormErrors }) {
  if (!message && !Object.keys(errors).length) return null;
  return (
    <div role="alert" tabIndex={-1} className="rounded border-l-4 border-madder bg-white p-3 text-sm">
      {message && <p className="font-semibold">{message}</p>}
      {Object.keys(errors).length > 0 && (
        <ul className="mt-2 list-disc pl-5">
          {Object.entries(errors).map(([field, text]) => (
            <li key={field}>
              {field === 'form' ? fieldLabel(field) : <a href={`#${field}`} className="underline">{fieldLabel(field)}</a>}: {text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Names({ kit, vocab, isNew }: { kit: Kit; vocab: EditorVocab; isNew: boolean }) {
  const slug = useRef<HTMLInputElement>(null);
  // A new record's address follows its title until the person types one; an existing record keeps its address (links to it exist).
  const [slugTyped, setSlugTyped] = useState(!isNew || kit.one('slug') !== '');
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2">
        {kit.text('title.vi', {
          required: true,
          onChange: (e) => {
            if (!slugTyped && slug.current) slug.current.value = e.target.value.trim() ? slugify(e.target.value) : '';
          },
        })}
        {kit.text('title.en', { lang: 'en' })}
        {kit.text('slug', { required: true, ref: slug, pattern: '[a-z0-9]+(-[a-z0-9]+)*', autoCapitalize: 'none', onChange: () => setSlugTyped(true) })}
        {kit.select('type', vocab.types, { required: true })}
      </div>
      {kit.area('alternativeTitles', 2)}
    </>
  );
}

/** Repeated rows: those the record has, one blank row to add one more without JavaScript, and more on demand with it. */
function Rows({ group, title, values, hydrated, add, children }: { group: 'places' | 'people'; title: string; values: FormValues; hydrated: boolean; add: string; children: (i: number, filled: boolean) => ReactNode }) {
  const [extra, setExtra] = useState(0);
  const used = usedRows(values, group);
  const count = used + 1 + extra;
  return (
    <section className="grid gap-3" aria-label={title}>
      <h2 className="font-semibold">{title}</h2>
      {Array.from({ length: count }, (_, i) => children(i, i < used))}
      {hydrated && (
        <div>
          <button type="button" className={`${BUTTON} border border-ink/30 bg-white`} onClick={() => setExtra((n) => n + 1)}>
            {add}
          </button>
        </div>
      )}
    </section>
  );
}

/** How many rows of a group hold something typed (a consent choice or a removal tick alone does not count). */
function usedRows(values: FormValues, group: 'places' | 'people'): number {
  const pattern = new RegExp(`^${group}\\.(\\d+)\\.(.+)$`);
  let count = 0;
  for (const [name, items] of Object.entries(values)) {
    const match = pattern.exec(name);
    if (match && !/^(consent\.given|remove)$/.test(match[2]!) && items.some((v) => v.trim() !== '')) count = Math.max(count, Number(match[1]) + 1);
  }
  return count;
}

/** A tick box that takes the row out of the record when saved; works without JavaScript. */
function RemoveRow({ name, text, kit }: { name: string; text: string; kit: Kit }) {
  return (
    <label className={`${CHOICE} text-sm text-madder`}>
      <input type="checkbox" name={name} value="on" defaultChecked={kit.one(name) === 'on'} className={`${BOX} remove-row`} />
      {text}
    </label>
  );
}

function PlaceRow({ kit, i, vocab, map, removable }: { kit: Kit; i: number; vocab: EditorVocab; map?: MapSettings; removable: boolean }) {
  const p = `places.${i}`;
  return (
    <fieldset className="grid gap-3 rounded border border-ink/15 p-3 sm:grid-cols-3 has-[.remove-row:checked]:opacity-50">
      <legend className="px-1 text-sm">Địa điểm {i + 1}</legend>
      {kit.select(`${p}.district`, vocab.districts)}
      {kit.text(`${p}.commune`)}
      {kit.text(`${p}.village`)}
      {kit.text(`${p}.lat`, { inputMode: 'decimal' })}
      {kit.text(`${p}.lon`, { inputMode: 'decimal' })}
      {map && (
        // The picker's own button is a text link: give it a thumb-sized target here.
        <div className="sm:col-span-3 [&_button]:min-h-11">
          <MapPicker settings={map} />
        </div>
      )}
      {removable && (
        <div className="sm:col-span-3">
          <RemoveRow name={`${p}.remove`} text="Bỏ địa điểm này khỏi hồ sơ" kit={kit} />
        </div>
      )}
    </fieldset>
  );
}

const CONSENT: Option[] = [
  { id: 'yes', label: 'Có – được nêu tên khi công bố' },
  { id: 'no', label: 'Không – giấu tên khi công bố' },
];

function PersonRow({ kit, i, vocab, removable }: { kit: Kit; i: number; vocab: EditorVocab; removable: boolean }) {
  const p = `people.${i}`;
  return (
    <fieldset className="grid gap-3 rounded border border-ink/15 p-3 has-[.remove-row:checked]:opacity-50">
      <legend className="px-1 text-sm">Người tham gia {i + 1}</legend>
      <div className="grid gap-3 sm:grid-cols-2">
        {kit.text(`${p}.name`, { autoComplete: 'off' })}
        {kit.select(`${p}.ethnicGroup`, vocab.groups)}
      </div>
      {kit.checks(`${p}.roles`, vocab.roles)}
      {/* Without a choice the name is withheld: the protective answer is the default. */}
      {kit.radios(`${p}.consent.given`, CONSENT, 'no')}
      <div className="grid gap-3 sm:grid-cols-2">
        {kit.text(`${p}.consent.note`)}
        {kit.text(`${p}.consent.date`, { placeholder: 'vd. 15/03/2023' })}
      </div>
      {removable && <RemoveRow name={`${p}.remove`} text="Bỏ người này khỏi hồ sơ" kit={kit} />}
    </fieldset>
  );
}

const MONTHS: Option[] = Array.from({ length: 12 }, (_, i) => ({ id: String(i + 1), label: String(i + 1) }));

function Season({ kit }: { kit: Kit }) {
  return (
    <div className="grid gap-4 sm:grid-cols-[12rem_1fr]">
      {kit.select(
        'heldIn.calendar',
        [
          { id: 'lunar', label: 'Âm lịch' },
          { id: 'solar', label: 'Dương lịch' },
        ],
        { blank: false },
      )}
      {kit.checks('heldIn.months', MONTHS)}
      {kit.text('heldIn.note.vi')}
      {kit.text('heldIn.note.en', { lang: 'en' })}
    </div>
  );
}

/** Languages by name; a language the list lacks can be added by its code in the same-named box. */
function Languages({ kit, options }: { kit: Kit; options: Option[] }) {
  return (
    <div className="grid gap-2">
      {kit.checks('languages', options)}
      <label className="grid gap-1 text-sm sm:max-w-xs">
        Ngôn ngữ khác (mã ISO 639-3, vd. hre)
        <input name="languages" defaultValue="" className={INPUT} autoCapitalize="none" />
      </label>
    </div>
  );
}

function AccessChoice({ kit, level, onChange, groups }: { kit: Kit; level: string; onChange: (level: AccessLevel) => void; groups: Option[] }) {
  return (
    <>
      <fieldset id="access.level" className="grid gap-2 text-sm">
        <legend className="font-semibold">{label('access.level')} *</legend>
        {ACCESS_CHOICES.map((choice) => (
          <label
            key={choice.id}
            className={`flex min-h-11 cursor-pointer gap-3 rounded border p-3 ${choice.id === 'public' ? 'border-madder/40 has-[:checked]:border-2 has-[:checked]:border-madder has-[:checked]:bg-madder/10' : 'border-ink/20 has-[:checked]:border-2 has-[:checked]:border-ink'}`}
          >
            <input type="radio" name="access.level" value={choice.id} defaultChecked={level === choice.id} onChange={() => onChange(choice.id)} className={`${BOX} mt-0.5`} {...(kit.error('access.level') ? { 'aria-invalid': true, 'aria-describedby': 'access.level-error' } : {})} />
            <span>
              <span className="block font-semibold">{choice.label}</span>
              <span className="block text-ink/70">{choice.explanation}</span>
            </span>
          </label>
        ))}
        {kit.error('access.level')}
      </fieldset>
      {kit.checks('access.communities', groups)}
    </>
  );
}

function DocumentFields({ kit, vocab }: { kit: Kit; vocab: EditorVocab }) {
  const names = ['document.number', 'document.kind', 'document.issuer.vi', 'document.issuer.en', 'document.issuedOn', 'document.effectiveFrom', 'document.signer'];
  // Closed unless the record is a document: the fields stay in the form either way, so nothing typed is lost.
  const open = kit.one('type') === 'document' || names.some((n) => kit.one(n) !== '' || kit.error(n));
  return (
    <details open={open} className="rounded border border-ink/15 p-4">
      <summary className="flex min-h-11 cursor-pointer items-center font-semibold">Văn bản (chỉ với loại “Văn bản”)</summary>
      <div className="mt-3 grid gap-4 sm:grid-cols-2">
        {kit.text('document.number')}
        {kit.select('document.kind', vocab.documentKinds)}
        {kit.text('document.issuer.vi')}
        {kit.text('document.issuer.en', { lang: 'en' })}
        {kit.text('document.issuedOn', { placeholder: 'vd. 15/03/2023' })}
        {kit.text('document.effectiveFrom', { placeholder: 'vd. 01/07/2023' })}
        {kit.text('document.signer')}
      </div>
    </details>
  );
}
