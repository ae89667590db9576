'use client';
/**
 * Copies one citation. Hidden until hydrated, so a reader without
 * JavaScript never meets a button that does nothing (the citation text is
 * selectable on its own). Where the Clipboard API is missing or refused
 * (plain http on a LAN, older browsers), it selects the text and tries the
 * old copy command, and says which happened.
 */
import { useEffect, useRef, useState } from 'react';

type Props = {
  /** The text to copy. */
  text: string;
  /** Id of the element showing the text, selected when the clipboard cannot be written. */
  targetId: string;
  /** apa | chicago | bibtex: names the button for tests (copy-apa…). */
  citationStyle: string;
  label: string;
  copiedLabel: string;
  /** Said when the text could only be selected: the reader copies it by hand. */
  selectedLabel: string;
};

function selectContents(id: string): boolean {
  const element = document.getElementById(id);
  const selection = window.getSelection();
  if (!element || !selection) return false;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
  return true;
}

function legacyCopy(): boolean {
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

export function CopyButton({ text, targetId, citationStyle, label, copiedLabel, selectedLabel }: Props) {
  const [ready, setReady] = useState(false);
  const [status, setStatus] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    setReady(true);
    return () => clearTimeout(timer.current);
  }, []);

  async function copy() {
    let message: string;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no Clipboard API');
      await navigator.clipboard.writeText(text);
      message = copiedLabel;
    } catch {
      message = selectContents(targetId) && legacyCopy() ? copiedLabel : selectedLabel;
    }
    // Empty the live region first, so a second copy is announced again.
    setStatus('');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      setStatus(message);
      timer.current = setTimeout(() => setStatus(''), 5000);
    }, 50);
  }

  return (
    <span className="inline-flex items-center gap-2">
      <span role="status" aria-live="polite" className="text-xs font-medium text-ink">
        {status}
      </span>
      <button
        type="button"
        hidden={!ready}
        onClick={copy}
        data-testid={`copy-${citationStyle}`}
        // 32 px tall: over WCAG 2.5.8's 24 px with room for a thumb, still small beside the citation it copies.
        className="inline-flex min-h-8 items-center rounded border border-ink/60 bg-white px-3 text-xs font-medium text-ink hover:bg-ink hover:text-bone"
      >
        {label}
      </button>
    </span>
  );
}
