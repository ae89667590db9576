'use client';
/**
 * The record editor: a plain form (it works without JavaScript through the
 * server action) with errors next to each field. With JavaScript, a failed
 * save keeps everything typed.
 */
import { useActionState, useEffect, useRef } from 'react';
import { saveRecord, type EditorState } from './actions';
import { MapPicker, type MapSettings } from './map-picker';

interface Option {
  id: string;
  label: string;
}

export interface EditorVocab {
  types: Option[];
  groups: Option[];
  districts: Option[];
  subjects: Option[];
  inventory: Option[];
  documentKinds: Option[];
}

const RIGHTS: Option[] = [
  { id: 'http://rightsstatements.org/vocab/InC-EDU/1.0/', label: 'Có bản quyền – được dùng cho giáo dục (InC-EDU)' },
  { id: 'http://rightsstatements.org/vocab/InC/1.0/', label: 'Có bản quyền (InC)' },
  { id: 'https://creativecommons.org/licenses/by-nc/4.0/', label: 'CC BY-NC 4.0' },
  { id: 'https://creativecommons.org/licenses/by/4.0/', label: 'CC BY 4.0' },
  { id: 'https://creativecommons.org/publicdomain/mark/1.0/', label: 'Phạm vi công cộng (văn bản pháp luật)' },
];

const input = 'w-full rounded border border-ink/30 bg-white px-3 py-2 text-base aria-invalid:border-madder aria-invalid:border-2';

export function RecordEditor({ id, version, initial, vocab, map }: { id?: string; version?: number; initial: Record<string, string[]>; vocab: EditorVocab; map: MapSettings }) {
  const [state, action, pending] = useActionState<EditorState, FormData>(saveRecord, {});
  const formRef = useRef<HTMLFormElement>(null);
  // After a refused save, take the person to the first field that needs them.
  useEffect(() => {
    if (!state.attempt) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid=true]') ?? formRef.current?.querySelector<HTMLElement>('[role=alert]');
    first?.scrollIntoView({ block: 'center' });
    first?.focus();
  }, [state.attempt]);
  const values = state.values ?? initial;
  const one = (name: string) => values[name]?.[0] ?? '';
  const many = (name: string) => values[name] ?? [];
  const error = (name: string) =>
    state.errors?.[name] ? (
      <span className="text-sm text-madder" id={`${name}-error`}>
        {state.errors[name]}
      </span>
    ) : null;
  const described = (name: string) => (state.errors?.[name] ? { 'aria-invalid': true, 'aria-describedby': `${name}-error` } : {});

  const text = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <label className="grid gap-1 text-sm">
      {label}
      <input name={name} defaultValue={one(name)} className={input} {...described(name)} {...props} />
      {error(name)}
    </label>
  );
  const area = (name: string, label: string, rows = 5) => (
    <label className="grid gap-1 text-sm">
      {label}
      <textarea name={name} defaultValue={one(name)} rows={rows} className={input} {...described(name)} />
      {error(name)}
    </label>
  );
  const select = (name: string, label: string, options: Option[], blank = true) => (
    <label className="grid gap-1 text-sm">
      {label}
      <select name={name} defaultValue={one(name)} className={input} {...described(name)}>
        {blank && <option value="">—</option>}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
      {error(name)}
    </label>
  );
  const checks = (name: string, label: string, options: Option[]) => (
    <fieldset className="text-sm">
      <legend>{label}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((o) => (
          <label key={o.id} className="inline-flex items-center gap-1">
            <input type="checkbox" name={name} value={o.id} defaultChecked={many(name).includes(o.id)} />
            {o.label}
          </label>
        ))}
      </div>
      {error(name)}
    </fieldset>
  );

  return (
    <form ref={formRef} action={action} key={state.attempt ?? 0} className="grid gap-5" noValidate>
      {id && <input type="hidden" name="id" value={id} />}
      {version && <input type="hidden" name="version" value={version} />}
      {state.message && (
        <p role="alert" className="rounded border-l-4 border-madder bg-white p-3 text-sm">
          {state.message}
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        {text('title.vi', 'Tên (tiếng Việt) *', { required: true })}
        {text('title.en', 'Tên (tiếng Anh)', { lang: 'en' })}
        {text('slug', 'Đường dẫn (chữ không dấu, gạch ngang) *', { required: true, pattern: '[a-z0-9]+(-[a-z0-9]+)*' })}
        {select('type', 'Loại hồ sơ *', vocab.types)}
      </div>
      {text('alternativeTitles', 'Tên khác (cách nhau bởi dấu ;)')}
      {area('description.vi', 'Mô tả (tiếng Việt) *', 6)}
      {area('description.en', 'Mô tả (tiếng Anh)', 4)}
      {checks('ethnicGroups', 'Cộng đồng', vocab.groups)}
      <div className="grid gap-4 sm:grid-cols-3">
        {select('places.0.district', 'Huyện (cũ)', vocab.districts)}
        {text('places.0.commune', 'Xã')}
        {text('places.0.village', 'Thôn, làng')}
        {text('places.0.lat', 'Vĩ độ', { inputMode: 'decimal' })}
        {text('places.0.lon', 'Kinh độ', { inputMode: 'decimal' })}
        {text('recordedOn', 'Ngày ghi (NNNN-TT-NN)')}
      </div>
      <MapPicker settings={map} />
      <div className="grid gap-4 sm:grid-cols-[12rem_1fr]">
        {select('heldIn.calendar', 'Lịch', [
          { id: 'lunar', label: 'Âm lịch' },
          { id: 'solar', label: 'Dương lịch' },
        ], false)}
        {checks('heldIn.months', 'Tổ chức vào tháng', Array.from({ length: 12 }, (_, i) => ({ id: String(i + 1), label: String(i + 1) })))}
      </div>
      {checks('subjects', 'Chủ đề', vocab.subjects)}
      {text('languages', 'Ngôn ngữ (mã ISO 639-3, vd. vie, ktv)')}
      {area('people', 'Người tham gia: mỗi dòng "Tên | vai trò | có/không, ghi chú về sự đồng ý" (vai trò: recorder, performer, elder, informant, translator)', 3)}
      {select('inventoryElement', 'Thuộc danh mục di sản', vocab.inventory)}
      <fieldset className="grid gap-4 rounded border border-ink/15 p-4">
        <legend className="px-1 text-sm font-semibold">Quyền và quy ước cộng đồng</legend>
        {select('rights.uri', 'Tuyên bố quyền *', RIGHTS)}
        {text('rights.holder', 'Chủ sở hữu quyền')}
        {area('rights.protocolNote.vi', 'Quy ước của cộng đồng', 2)}
        {select('access.level', 'Ai được xem', [
          { id: 'public', label: 'Mọi người' },
          { id: 'registered', label: 'Người dùng đã đăng ký' },
          { id: 'community', label: 'Chỉ thành viên các cộng đồng được chọn' },
        ], false)}
        {checks('access.communities', 'Cộng đồng được xem (khi giới hạn)', vocab.groups)}
      </fieldset>
      <fieldset className="grid gap-4 rounded border border-ink/15 p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-semibold">Văn bản (chỉ với loại “Văn bản”)</legend>
        {text('document.number', 'Số hiệu')}
        {select('document.kind', 'Loại văn bản', vocab.documentKinds)}
        {text('document.issuer.vi', 'Cơ quan ban hành')}
        {text('document.issuedOn', 'Ngày ban hành (NNNN-TT-NN)')}
        {error('document')}
      </fieldset>
      <div>
        <button type="submit" disabled={pending} className="rounded bg-ink px-5 py-2 font-semibold text-bone disabled:opacity-60">
          {pending ? 'Đang lưu…' : 'Lưu hồ sơ'}
        </button>
      </div>
    </form>
  );
}
