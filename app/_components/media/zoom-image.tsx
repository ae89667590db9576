'use client';
/**
 * "Zoom" on a photo: deep zoom on its IIIF level-0 tiles with OpenSeadragon
 * in a modal <dialog>. Before hydration (and without JavaScript) it is a
 * plain link to the largest JPEG; after, a button. OpenSeadragon is
 * imported only when the dialog opens, so it never weighs on the page.
 *
 * The modal dialog makes the page behind it inert (focus stays inside),
 * Escape closes it, its heading names it, and focus returns to the button.
 * OpenSeadragon's own image buttons are off (they would need its icon set
 * and have no translated names): the toolbar has text buttons instead, and
 * the viewer itself takes the keyboard (arrows, +, −, 0) once focused.
 */
import { useEffect, useId, useRef, useState } from 'react';

export interface ZoomLabels {
  open: string;
  fullSize: string;
  title: string;
  zoomIn: string;
  zoomOut: string;
  home: string;
  close: string;
  loading: string;
  failed: string;
  hint: string;
}

type Props = {
  /** /iiif/<id>/<d16>/info.json */
  infoUrl: string;
  /** The largest JPEG rendition: the no-JavaScript target. */
  fullSizeUrl: string;
  labels: ZoomLabels;
  className?: string;
};

type Viewer = import('openseadragon').Viewer;

const buttonClass = 'rounded border border-bone/70 px-3 py-1 text-sm font-medium text-bone hover:bg-bone hover:text-ink disabled:opacity-60 disabled:hover:bg-transparent disabled:hover:text-bone';

export function ZoomImage({ infoUrl, fullSizeUrl, labels, className }: Props) {
  const [ready, setReady] = useState(false);
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => setReady(true), []);

  if (!ready) {
    return (
      <a href={fullSizeUrl} className={className}>
        {labels.fullSize}
      </a>
    );
  }
  return (
    <>
      <button ref={opener} type="button" className={className} onClick={() => setOpen(true)} aria-haspopup="dialog">
        {labels.open}
      </button>
      {open && (
        <ZoomDialog
          infoUrl={infoUrl}
          labels={labels}
          onClosed={() => {
            setOpen(false);
            opener.current?.focus();
          }}
        />
      )}
    </>
  );
}

function ZoomDialog({ infoUrl, labels, onClosed }: { infoUrl: string; labels: ZoomLabels; onClosed: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const viewer = useRef<Viewer | undefined>(undefined);
  const [status, setStatus] = useState<'loading' | 'ready' | 'failed'>('loading');
  const titleId = useId();
  const hintId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (!element.open) element.showModal();
    let disposed = false;
    (async () => {
      try {
        const absolute = new URL(infoUrl, window.location.href);
        const [{ default: OpenSeadragon }, info] = await Promise.all([
          import('openseadragon'),
          fetch(absolute, { credentials: 'same-origin' }).then((r) => {
            if (!r.ok) throw new Error(`info.json: HTTP ${r.status}`);
            return r.json() as Promise<Record<string, unknown>>;
          }),
        ]);
        if (disposed || !stage.current) return;
        // Tiles from the origin the page came from (info.json names the configured site URL, which may differ behind a proxy or in development).
        info.id = absolute.href.replace(/\/info\.json$/, '');
        const v = OpenSeadragon({
          element: stage.current,
          tileSources: info,
          showNavigationControl: false,
          visibilityRatio: 1,
          constrainDuringPan: true,
          maxZoomPixelRatio: 2,
          gestureSettingsMouse: { clickToZoom: false, dblClickToZoom: true },
        });
        viewer.current = v;
        v.addOnceHandler('open', () => !disposed && setStatus('ready'));
        v.addOnceHandler('open-failed', () => !disposed && setStatus('failed'));
      } catch {
        if (!disposed) setStatus('failed');
      }
    })();
    return () => {
      disposed = true;
      viewer.current?.destroy();
      viewer.current = undefined;
    };
  }, [infoUrl]);

  const zoom = (factor: number) => {
    const viewport = viewer.current?.viewport;
    if (!viewport) return;
    viewport.zoomBy(factor);
    viewport.applyConstraints();
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      aria-describedby={hintId}
      onClose={onClosed}
      className="m-auto h-[92dvh] max-h-none w-[96vw] max-w-none overflow-hidden bg-ink p-0 text-bone backdrop:bg-ink/80"
    >
      <div className="flex h-full flex-col">
        <div className="flex flex-wrap items-center gap-2 p-2">
          <h2 id={titleId} className="mr-auto min-w-0 truncate text-sm font-semibold">
            {labels.title}
          </h2>
          <button type="button" className={buttonClass} onClick={() => zoom(1.5)} disabled={status !== 'ready'}>
            {labels.zoomIn}
          </button>
          <button type="button" className={buttonClass} onClick={() => zoom(1 / 1.5)} disabled={status !== 'ready'}>
            {labels.zoomOut}
          </button>
          <button type="button" className={buttonClass} onClick={() => viewer.current?.viewport.goHome()} disabled={status !== 'ready'}>
            {labels.home}
          </button>
          <button type="button" className={buttonClass} onClick={() => dialog.current?.close()}>
            {labels.close}
          </button>
        </div>
        <p id={hintId} className="px-2 pb-2 text-xs text-bone/90">
          {labels.hint}
        </p>
        <div className="relative min-h-0 flex-1 bg-black">
          <div ref={stage} className="absolute inset-0" />
          <p role="status" className={status === 'ready' ? 'sr-only' : 'absolute inset-x-0 top-1/2 -translate-y-1/2 px-4 text-center text-sm text-bone'}>
            {status === 'loading' ? labels.loading : status === 'failed' ? labels.failed : ''}
          </p>
        </div>
      </div>
    </dialog>
  );
}
