'use client';
/**
 * Keeps the record's server-rendered parts (derivative progress, media list)
 * fresh while files are being processed, without reloading the page: a
 * <meta http-equiv="refresh"> reload every few seconds would cut off any
 * upload started meanwhile, and wipe the upload queue and its messages.
 * router.refresh() re-renders the server components in place; client state
 * (the uploader's queue, typed text) stays.
 */
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export function RefreshWhileProcessing({ seconds = 5 }: { seconds?: number }) {
  const router = useRouter();
  useEffect(() => {
    const timer = window.setInterval(() => router.refresh(), seconds * 1000);
    return () => window.clearInterval(timer);
  }, [router, seconds]);
  return null;
}
