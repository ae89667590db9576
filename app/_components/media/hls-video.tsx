'use client';
/**
 * Adaptive streaming where the browser has no HLS of its own. The server
 * renders a complete <video> (HLS master, then the MP4 as a fallback
 * source, caption tracks): Safari and iOS play the HLS source natively and
 * this component does nothing; elsewhere the browser would pick the MP4,
 * so on the first play this loads hls.js (a separate chunk, fetched only
 * then; warmed up when the pointer or focus reaches the video), attaches the
 * master playlist and plays from where the viewer was. If hls.js fails
 * for good, the MP4 <source> takes over again.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { HLS_MIME, shouldUseHlsJs } from './shared';

type HlsInstance = import('hls.js').default;

// hls.js "light": no subtitle, alternate-audio, DRM or CMCD support, none of which these streams use; captions stay <track>s.
const loadHls = () => import('hls.js/light').then((m) => m.default);

export function HlsVideo({ master, children }: { master: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const video = ref.current?.querySelector('video');
    if (!video) return;
    const lazyPoster = video.dataset.poster;
    let posterObserver: IntersectionObserver | undefined;
    let disposedPoster = false;
    const observePoster = () => {
      if (disposedPoster || !lazyPoster || video.poster) return;
      posterObserver = new IntersectionObserver(
        (entries) => {
          if (!entries.some((e) => e.isIntersecting)) return;
          video.poster = lazyPoster;
          posterObserver?.disconnect();
        },
        { rootMargin: '300px' },
      );
      posterObserver.observe(video);
    };
    // After the page's own load (its first picture included), so the poster never slows the picture the visitor came for.
    if (document.readyState === 'complete') observePoster();
    else window.addEventListener('load', observePoster, { once: true });
    const stopPoster = () => {
      disposedPoster = true;
      window.removeEventListener('load', observePoster);
      posterObserver?.disconnect();
    };
    const hasMse = 'MediaSource' in window || 'ManagedMediaSource' in window;
    if (!shouldUseHlsJs(video.canPlayType(HLS_MIME), hasMse)) return stopPoster;

    let hls: HlsInstance | undefined;
    let state: 'idle' | 'loading' | 'attached' | 'given-up' = 'idle';
    let disposed = false;

    const playQuietly = () => void video.play().catch(() => undefined);
    const giveUp = () => {
      // Back to the <source> list: detaching empties src, and the browser picks the MP4.
      const at = video.currentTime;
      state = 'given-up';
      hls?.destroy();
      hls = undefined;
      video.load();
      if (at > 0) video.addEventListener('loadedmetadata', () => (video.currentTime = at), { once: true });
      playQuietly();
    };

    const onPlay = async () => {
      if (state !== 'idle') return;
      state = 'loading';
      // The browser has started on the MP4: stop it until the stream is attached.
      video.pause();
      let Hls: typeof import('hls.js').default;
      try {
        Hls = await loadHls();
      } catch {
        if (!disposed) giveUp();
        return;
      }
      if (disposed) return;
      if (!Hls.isSupported()) return giveUp();
      const instance = new Hls({ startPosition: video.currentTime > 0 ? video.currentTime : -1, capLevelToPlayerSize: true });
      hls = instance;
      let recovered = false;
      instance.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal || state !== 'attached') return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !recovered) {
          recovered = true;
          instance.recoverMediaError();
          return;
        }
        giveUp();
      });
      instance.once(Hls.Events.MANIFEST_PARSED, playQuietly);
      state = 'attached';
      instance.loadSource(master);
      instance.attachMedia(video);
    };
    const warm = () => void loadHls().catch(() => undefined);

    video.addEventListener('play', onPlay);
    video.addEventListener('pointerenter', warm, { once: true });
    video.addEventListener('focus', warm, { once: true });
    return () => {
      stopPoster();
      disposed = true;
      video.removeEventListener('play', onPlay);
      video.removeEventListener('pointerenter', warm);
      video.removeEventListener('focus', warm);
      hls?.destroy();
    };
  }, [master]);

  return <div ref={ref}>{children}</div>;
}
