'use client';
/**
 * Ties a server-rendered player to its waveform and transcript, with no
 * React state on the hot path: it finds, inside its own element, the
 * <audio>/<video>, the waveform ([data-waveform]) and the cues
 * ([data-cue-start]/[data-cue-end] list items, [data-seek] buttons), then
 *  - paints playback progress on the waveform (a CSS variable, per frame);
 *  - seeks (and plays) on a click on the waveform or on a cue's time;
 *  - marks the cue being said with aria-current and keeps it in view.
 * The native controls stay the keyboard way to seek; the waveform is a
 * pointer shortcut (aria-hidden), the cue buttons are real buttons.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { cueIndexAt } from './shared';

export function MediaSync({ children, className }: { children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const root = ref.current;
    const media = root?.querySelector<HTMLMediaElement>('audio, video');
    if (!root || !media) return;
    const wave = root.querySelector<HTMLElement>('[data-waveform]');
    const list = root.querySelector<HTMLElement>('[data-cues]');
    const items = [...root.querySelectorAll<HTMLElement>('[data-cue-start]')];
    const cues = items.map((el) => ({ start: Number(el.dataset.cueStart), end: Number(el.dataset.cueEnd) }));
    const knownDuration = Number(wave?.dataset.duration ?? root.querySelector<HTMLElement>('[data-duration]')?.dataset.duration) || 0;
    const duration = () => (Number.isFinite(media.duration) && media.duration > 0 ? media.duration : knownDuration);

    let active = -1;
    let frame = 0;
    const paint = () => {
      const total = duration();
      wave?.style.setProperty('--progress', `${total ? Math.min(100, (media.currentTime / total) * 100) : 0}%`);
      if (!cues.length) return;
      const now = cueIndexAt(cues, media.currentTime);
      if (now === active) return;
      items[active]?.removeAttribute('aria-current');
      active = now;
      const item = items[now];
      if (!item) return;
      item.setAttribute('aria-current', 'true');
      // Keep the cue in view inside the transcript's own scroll box, never scrolling the page.
      if (list && !media.paused && list.scrollHeight > list.clientHeight) {
        const top = item.offsetTop - list.offsetTop;
        if (top < list.scrollTop || top + item.offsetHeight > list.scrollTop + list.clientHeight) list.scrollTop = Math.max(0, top - list.clientHeight / 3);
      }
    };
    const loop = () => {
      paint();
      frame = media.paused || media.ended ? 0 : requestAnimationFrame(loop);
    };
    const onPlaying = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(loop);
    };

    const seek = (time: number) => {
      if (!Number.isFinite(time)) return;
      const target = Math.max(0, time);
      if (media.readyState >= HTMLMediaElement.HAVE_METADATA) media.currentTime = target;
      else media.addEventListener('loadedmetadata', () => (media.currentTime = target), { once: true });
      if (media.paused) void media.play().catch(() => undefined);
      paint();
    };
    const onWaveClick = (event: MouseEvent) => {
      const box = wave!.getBoundingClientRect();
      const total = duration();
      if (box.width > 0 && total > 0) seek(((event.clientX - box.left) / box.width) * total);
    };
    const onClick = (event: MouseEvent) => {
      const button = (event.target as Element | null)?.closest<HTMLElement>('[data-seek]');
      if (button && root.contains(button)) seek(Number(button.dataset.seek));
    };

    media.addEventListener('playing', onPlaying);
    media.addEventListener('timeupdate', paint);
    media.addEventListener('seeked', paint);
    wave?.addEventListener('click', onWaveClick);
    root.addEventListener('click', onClick);
    paint();
    return () => {
      cancelAnimationFrame(frame);
      media.removeEventListener('playing', onPlaying);
      media.removeEventListener('timeupdate', paint);
      media.removeEventListener('seeked', paint);
      wave?.removeEventListener('click', onWaveClick);
      root.removeEventListener('click', onClick);
    };
  }, []);

  return (
    <div ref={ref} className={className}>
      {children}
    </div>
  );
}

/**
 * A fieldset that disables the buttons in it until JavaScript has run: a
 * transcript's "play from 0:12" buttons do nothing without it, so without
 * it they are shown as plain (disabled) times rather than dead buttons.
 */
export function EnabledWhenHydrated({ children, className }: { children: ReactNode; className?: string }) {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return (
    <fieldset disabled={!ready} className={className}>
      {children}
    </fieldset>
  );
}
