'use client';
/**
 * A click (a tap) on a paused video's picture starts it, as visitors expect:
 * Chromium on a phone only shows its controls on such a tap, and the one
 * way to start was the small ▶ in the control bar. The native controls stay
 * as they are (and the keyboard way to play); this only listens.
 */
import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The band along the bottom edge that belongs to the browser's controls:
 * Chromium draws a row of 48 px buttons above its timeline, about 70 px in
 * all (Safari's bar is lower). A click there is the controls' (mute,
 * captions, full screen), not the picture's.
 */
const CONTROL_BAR_PX = 72;

export function PlayOnPicture({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const video = ref.current?.querySelector('video');
    if (!video) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onClick = (event: MouseEvent) => {
      if (event.button !== 0 || !video.paused) return;
      if (event.clientY > video.getBoundingClientRect().bottom - CONTROL_BAR_PX) return;
      // Decide after the browser's own handling of the click: where a click on the picture already plays, it is playing by then.
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (video.paused) void video.play().catch(() => undefined);
      }, 0);
    };
    video.addEventListener('click', onClick);
    return () => {
      clearTimeout(timer);
      video.removeEventListener('click', onClick);
    };
  }, []);

  return <div ref={ref}>{children}</div>;
}
