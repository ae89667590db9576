import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, permanentRedirect } from 'next/navigation';
import { mayDownloadOriginals, maySeeRecord } from '@/lib/access/policy';
import { districtName, documentKindLabel, groupName, label, subjectLabel, typeLabel } from '@/lib/records/labels';
import type { StoredRecord } from '@/lib/records/repository';
import { RECORD_ID_PATTERN, type MediaEntry } from '@/lib/records/schema';
import { recordJsonLd } from '@/lib/records/json-ld';
import { getArchive } from '@/lib/server/archive';
import { derivativesOf } from '@/lib/server/iiif';
import { currentViewer } from '@/lib/server/auth';

export const dynamic = 'force-dynamic';

type Params = Promise<{ id: string; slug?: string[] }>;

async function load(id: string): Promise<StoredRecord | undefined> {
  if (!RECORD_ID_PATTERN.test(id)) return undefined;
  const stored = await getArchive().records.get(id);
  return stored && maySeeRecord(await currentViewer(), stored.record) ? stored : undefined;
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const stored = await load((await params).id);
  if (!stored) return { title: 'Không tìm thấy' };
  const { record } = stored;
  const image = record.media.find((m) => m.kind === 'image');
  const { siteUrl } = getArchive().config;
  return {
    title: record.title.vi,
    description: record.description.vi.slice(0, 200),
    alternates: { canonical: `${siteUrl}/records/${record.id}/${record.slug}` },
    openGraph: {
      title: record.title.vi,
      description: record.description.vi.slice(0, 200),
      url: `${siteUrl}/records/${record.id}/${record.slug}`,
      type: 'article',
      locale: 'vi_VN',
      ...(image && record.access.level === 'public' ? { images: [`${siteUrl}/api/files/${record.id}/${image.path.split('/').map(encodeURIComponent).join('/')}`] } : {}),
    },
  };
}

function derivativeUrl(id: string, media: MediaEntry, file: string): string {
  return `/api/derivatives/${id}/${media.digest.slice(0, 16)}/${file}`;
}

function fileUrl(id: string, media: MediaEntry, download = false): string {
  return `/api/files/${id}/${media.path.split('/').map(encodeURIComponent).join('/')}${download ? '?download' : ''}`;
}

const MONTH_CALENDAR = { lunar: 'âm lịch', solar: 'dương lịch' } as const;
const ROLE_LABEL: Record<string, string> = {
  recorder: 'người ghi',
  performer: 'người trình diễn',
  elder: 'già làng',
  informant: 'người cung cấp thông tin',
  translator: 'người dịch',
  photographer: 'người chụp ảnh',
  researcher: 'nhà nghiên cứu',
  author: 'tác giả',
};

export default async function RecordPage({ params }: { params: Params }) {
  const { id, slug } = await params;
  const stored = await load(id);
  if (!stored) notFound();
  const { record } = stored;
  if (slug?.[0] !== record.slug) permanentRedirect(`/records/${record.id}/${record.slug}`);
  const { vocab } = getArchive();
  const downloadable = mayDownloadOriginals(await currentViewer(), record);
  const derivatives = await derivativesOf(record);
  const captionsOf = (m: MediaEntry) => record.media.filter((c) => c.kind === 'caption' && c.of === m.path && c.type === 'text/vtt');

  const facts: [string, React.ReactNode][] = [
    ['Loại', typeLabel(vocab, record.type, 'vi')],
    ['Cộng đồng', record.ethnicGroups.map((g) => groupName(vocab, g, 'vi')).join(', ')],
    [
      'Địa điểm',
      record.places
        .map((p) => [p.village, p.commune, districtName(vocab, p.district, 'vi')].filter(Boolean).join(', '))
        .join('; '),
    ],
    ['Thời gian tổ chức', record.heldIn ? `tháng ${record.heldIn.months.join(', ')} ${MONTH_CALENDAR[record.heldIn.calendar]}` : ''],
    ['Ngày ghi', record.recordedOn ?? ''],
    ['Chủ đề', record.subjects.map((s) => subjectLabel(vocab, s, 'vi')).join(', ')],
    ['Ngôn ngữ', record.languages.join(', ')],
  ];
  if (record.document) {
    facts.unshift(
      ['Số hiệu', record.document.number],
      ['Loại văn bản', documentKindLabel(vocab, record.document.kind, 'vi')],
      ['Cơ quan ban hành', record.document.issuer.vi],
      ['Ngày ban hành', record.document.issuedOn],
    );
  }

  return (
    <article>
      {record.access.level === 'public' && record.status === 'published' && (
        // JSON-LD is data, not markup: escape "<" so a title can never close the script element.
        <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: JSON.stringify(recordJsonLd(record, vocab, getArchive().config.siteUrl)).replace(/</g, '\\u003c') }} />
      )}
      <nav className="text-sm mb-4">
        <Link href="/" className="underline text-madder">
          ← Tất cả hồ sơ
        </Link>
      </nav>
      <p className="text-xs uppercase tracking-wide text-madder">{typeLabel(vocab, record.type, 'vi')}</p>
      <h1 className="text-2xl sm:text-3xl font-semibold leading-tight">{record.title.vi}</h1>
      {record.title.en && (
        <p className="text-lg text-ink/70" lang="en">
          {record.title.en}
        </p>
      )}
      {(record.access.level !== 'public' || record.status !== 'published') && (
        <p className="mt-2 inline-block rounded bg-turmeric/20 px-2 py-1 text-sm" data-testid="restriction">
          {record.status !== 'published' && `Trạng thái: ${record.status}. `}
          {record.access.level === 'community' &&
            `Hồ sơ theo quy ước cộng đồng: chỉ thành viên cộng đồng ${record.access.communities.map((c) => groupName(vocab, c, 'vi')).join(', ')} được xem.`}
          {record.access.level === 'registered' && 'Chỉ người dùng đã đăng ký được xem.'}
        </p>
      )}
      {record.alternativeTitles.length > 0 && <p className="text-sm text-ink/60 mt-1">Tên khác: {record.alternativeTitles.join('; ')}</p>}

      {record.media.some((m) => m.kind !== 'caption' && m.kind !== 'transcript') && (
        <section className="mt-6 grid gap-4" aria-label="Tư liệu">
          {record.media.map((m) => {
            const caption = label(m.label, 'vi');
            const derived = derivatives.get(m.path);
            if (m.kind === 'image' && derived?.kind === 'image') {
              // Responsive derivatives (EXIF and location stripped): a phone on 3G fetches the 640 px AVIF, not the original.
              const srcset = (format: string) =>
                derived.image.renditions
                  .filter((r) => r.format === format)
                  .map((r) => `${derivativeUrl(record.id, m, r.file)} ${r.width}w`)
                  .join(', ');
              const fallback = [...derived.image.renditions].filter((r) => r.format === 'jpeg').sort((a, b) => Math.abs(a.width - 1280) - Math.abs(b.width - 1280))[0]!;
              const first = record.media.find((x) => x.kind === 'image') === m;
              return (
                <figure key={m.path}>
                  <picture>
                    <source type="image/avif" srcSet={srcset('avif')} sizes="(min-width: 1024px) 992px, 100vw" />
                    <source type="image/webp" srcSet={srcset('webp')} sizes="(min-width: 1024px) 992px, 100vw" />
                    <img
                      src={derivativeUrl(record.id, m, fallback.file)}
                      srcSet={srcset('jpeg')}
                      sizes="(min-width: 1024px) 992px, 100vw"
                      width={derived.image.width}
                      height={derived.image.height}
                      alt={caption || record.title.vi}
                      className="w-full h-auto rounded"
                      loading={first ? 'eager' : 'lazy'}
                      fetchPriority={first ? 'high' : 'auto'}
                    />
                  </picture>
                  {caption && <figcaption className="text-sm text-ink/70 mt-1">{caption}</figcaption>}
                </figure>
              );
            }
            if (m.kind === 'image')
              return (
                <figure key={m.path}>
                  {/* Not derived yet: the original, lazily. */}
                  <img src={fileUrl(record.id, m)} alt={caption || record.title.vi} className="w-full h-auto rounded" loading="lazy" />
                  {caption && <figcaption className="text-sm text-ink/70 mt-1">{caption}</figcaption>}
                </figure>
              );
            if (m.kind === 'video')
              return (
                <figure key={m.path}>
                  <video
                    controls
                    preload={derived?.kind === 'video' ? 'none' : 'metadata'}
                    className="w-full rounded bg-ink"
                    {...(derived?.kind === 'video'
                      ? { poster: derivativeUrl(record.id, m, derived.video.poster.file), width: derived.video.width, height: derived.video.height }
                      : { src: fileUrl(record.id, m) })}
                  >
                    {derived?.kind === 'video' && (
                      <>
                        {/* Adaptive streaming where the browser plays HLS itself; the MP4 rendition elsewhere. */}
                        <source src={derivativeUrl(record.id, m, derived.video.master)} type="application/vnd.apple.mpegurl" />
                        <source src={derivativeUrl(record.id, m, derived.video.download.file)} type="video/mp4" />
                      </>
                    )}
                    {captionsOf(m).map((c) => (
                      <track key={c.path} kind="captions" src={fileUrl(record.id, c)} srcLang={c.language === 'eng' ? 'en' : 'vi'} label={c.language === 'eng' ? 'English' : 'Tiếng Việt'} />
                    ))}
                  </video>
                  {caption && <figcaption className="text-sm text-ink/70 mt-1">{caption}</figcaption>}
                </figure>
              );
            if (m.kind === 'audio')
              return (
                <figure key={m.path}>
                  {derived?.kind === 'audio' ? (
                    <audio controls preload="none" className="w-full">
                      {derived.audio.renditions.map((r) => (
                        <source key={r.file} src={derivativeUrl(record.id, m, r.file)} type={r.codec === 'opus' ? 'audio/ogg; codecs=opus' : 'audio/mp4'} />
                      ))}
                    </audio>
                  ) : (
                    <audio controls preload="none" className="w-full" src={fileUrl(record.id, m)} />
                  )}
                  {caption && <figcaption className="text-sm text-ink/70 mt-1">{caption}</figcaption>}
                </figure>
              );
            if (m.kind === 'document')
              return (
                <p key={m.path}>
                  <a href={fileUrl(record.id, m)} className="underline text-madder">
                    Xem văn bản (PDF, {Math.ceil(m.size / 1024)} KB)
                  </a>
                </p>
              );
            return null;
          })}
        </section>
      )}

      <section className="mt-6 max-w-prose">
        <h2 className="sr-only">Mô tả</h2>
        <p className="whitespace-pre-line">{record.description.vi}</p>
        {record.description.en && (
          <p className="mt-3 text-ink/70 whitespace-pre-line" lang="en">
            {record.description.en}
          </p>
        )}
      </section>

      <section className="mt-6">
        <h2 className="text-lg font-semibold">Thông tin</h2>
        <dl className="mt-2 grid grid-cols-1 sm:grid-cols-[12rem_1fr] gap-x-4 gap-y-1 text-sm">
          {facts
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-ink/60">{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
      </section>

      {record.people.length > 0 && (
        <section className="mt-6">
          <h2 className="text-lg font-semibold">Người tham gia</h2>
          <ul className="mt-2 text-sm list-disc pl-5">
            {record.people.map((p, i) => (
              <li key={i}>
                {p.name} – {p.roles.map((r) => ROLE_LABEL[r] ?? r).join(', ')}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="mt-6 text-sm">
        <h2 className="text-lg font-semibold">Quyền và quy ước cộng đồng</h2>
        <p className="mt-2">
          <a href={record.rights.uri} className="underline" rel="license">
            {record.rights.uri}
          </a>
          {record.rights.holder && ` – ${record.rights.holder}`}
        </p>
        {record.rights.protocolNote && <p className="mt-2 rounded border-l-4 border-turmeric bg-white p-3">{record.rights.protocolNote.vi}</p>}
        {downloadable && record.media.length > 0 && (
          <ul className="mt-3 list-disc pl-5">
            {record.media.map((m) => (
              <li key={m.path}>
                <a href={fileUrl(record.id, m, true)} className="underline">
                  Tải tệp gốc {m.path.slice('files/'.length)}
                </a>{' '}
                <span className="text-ink/60">({Math.ceil(m.size / 1024)} KB)</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {record.references.length > 0 && (
        <section className="mt-6 text-sm">
          <h2 className="text-lg font-semibold">Nguồn tham khảo</h2>
          <ul className="mt-2 list-disc pl-5">
            {record.references.map((r, i) => (
              <li key={i}>{r.url ? <a href={r.url} className="underline">{r.title}</a> : r.title}</li>
            ))}
          </ul>
        </section>
      )}

      <p className="mt-8 text-xs text-ink/50">
        Mã hồ sơ {record.id} · phiên bản {stored.head} · cập nhật {stored.modified.slice(0, 10)}
      </p>
    </article>
  );
}
