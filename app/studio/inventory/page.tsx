import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { mayPerform } from '@/lib/access/policy';
import { loadInventory } from '@/lib/records/inventory-store';
import { getArchive } from '@/lib/server/archive';
import { currentViewer } from '@/lib/server/auth';
import { removeElement, saveElement } from './actions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Danh mục di sản', robots: { index: false } };

const input = 'rounded border border-ink/30 bg-white px-2 py-1';
const CHECK = 'mr-3 inline-flex min-h-11 items-center gap-1';

export default async function InventoryPage({ searchParams }: { searchParams: Promise<{ error?: string; saved?: string }> }) {
  const viewer = await currentViewer();
  if (viewer.kind === 'anonymous') redirect('/studio/login?next=/studio/inventory');
  if (!mayPerform(viewer, 'edit-inventory')) notFound();
  const { error, saved } = await searchParams;
  const { store, vocab } = getArchive();
  const inventory = await loadInventory(store, vocab);
  return (
    <div className="max-w-3xl">
      <h1 className="text-2xl font-semibold">Danh mục lễ hội, phong tục của tỉnh</h1>
      <p className="mt-1 text-sm text-ink/70">Mức độ bao phủ được tính trên danh mục này. Mỗi lần sửa, danh mục cũ vẫn được lưu lại.</p>
      {error && <p role="alert" className="mt-3 rounded border-l-4 border-madder bg-white p-3 text-sm">{error}</p>}
      {saved && <p role="status" className="mt-3 rounded border-l-4 border-moss bg-white p-3 text-sm">Đã lưu.</p>}
      <form action={saveElement} className="mt-4 grid gap-3 rounded border border-ink/15 bg-white p-4 text-sm">
        <h2 className="font-semibold">Thêm hoặc sửa một mục (theo mã)</h2>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="grid gap-1">Mã (chữ không dấu, gạch ngang)<input name="id" required className={input} /></label>
          <label className="grid gap-1">Loại<select name="type" className={input}>{vocab.recordTypes.map((t) => <option key={t.id} value={t.id}>{t.label.vi}</option>)}</select></label>
          <label className="grid gap-1">Tên tiếng Việt<input name="name.vi" required className={input} /></label>
          <label className="grid gap-1">Tên tiếng Anh<input name="name.en" required className={input} /></label>
          <label className="grid gap-1 sm:col-span-2">Quyết định công nhận (nếu có)<input name="nationalListing" className={input} /></label>
        </div>
        {/* Each box with its name is one 44 px target, as everywhere in the studio (fingers, in the field). */}
        <fieldset><legend>Cộng đồng</legend>{vocab.ethnicGroups.map((g) => <label key={g.id} className={CHECK}><input type="checkbox" name="ethnicGroups" value={g.id} /> {g.name.vi}</label>)}</fieldset>
        <fieldset><legend>Huyện (cũ)</legend>{vocab.districts.map((d) => <label key={d.id} className={CHECK}><input type="checkbox" name="districts" value={d.id} /> {d.name.vi}</label>)}</fieldset>
        <button className="justify-self-start rounded bg-ink px-4 py-2 font-semibold text-bone">Lưu mục</button>
      </form>
      <ul className="mt-6 grid gap-1 text-sm" data-testid="inventory-list">
        {inventory.map((e) => (
          <li key={e.id} className="flex items-center justify-between gap-2 border-b border-ink/10 py-1">
            <span>
              {e.name.vi} <span className="text-ink/50">({e.id})</span>
            </span>
            <form action={removeElement}>
              <input type="hidden" name="id" value={e.id} />
              <button className="text-xs text-madder underline">Bỏ</button>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}
