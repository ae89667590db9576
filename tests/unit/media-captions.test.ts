import { describe, expect, it } from 'vitest';
import { CaptionSyntaxError, captionsToWebVtt, parseSrt, parseVtt } from '@/lib/media/captions';

describe('captions', () => {
  it('converts SRT to WebVTT (commas to dots, CRLF, BOM, <font> dropped, & escaped)', () => {
    const srt = '\uFEFF1\r\n00:00:01,000 --> 00:00:03,500\r\nTiếng <font color="red">cồng</font> & chiêng\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,000\r\n<i>Già làng</i> nói\r\nhai dòng\r\n';
    const { vtt, cues } = captionsToWebVtt(srt, 'srt', 'files/a.vi.srt');
    expect(cues).toHaveLength(2);
    expect(vtt).toBe('WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.500\nTiếng cồng &amp; chiêng\n\n2\n00:00:04.000 --> 00:00:05.000\n<i>Già làng</i> nói\nhai dòng\n');
    // The output parses as WebVTT again.
    expect(parseVtt(vtt, 'x.vtt')).toHaveLength(2);
  });

  it('keeps WebVTT cues, ids, settings and skips NOTE blocks', () => {
    const cues = parseVtt('WEBVTT - demo\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:02.000 align:start\nXin chào\n\n00:00:02.500 --> 00:00:03.000\nHello\n', 'f.vtt');
    expect(cues).toEqual([
      { id: 'intro', start: 1, end: 2, text: 'Xin chào', settings: 'align:start' },
      { start: 2.5, end: 3, text: 'Hello' },
    ]);
  });

  it.each([
    ['srt', '1\n00:00:01,000 -> 00:00:02,000\nhi\n', 2, /timing line/],
    ['srt', '1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:05,000 --> 00:00:04,000\nback\n', 6, /ends .* before/],
    ['srt', '1\n00:00:01,000 --> 00:00:02,000\nhi\n00:00:03,000 --> 00:00:04,000\n', 4, /blank line is missing/],
    ['srt', '1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:61,000 --> 00:01:02,000\nx\n', 6, /timing line/],
    ['vtt', 'WEBVT\n\n00:01.000 --> 00:02.000\nx\n', 1, /start with "WEBVTT"/],
    ['vtt', 'WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\nid-2\n00:03,000 --> 00:04.000\nx\n', 7, /timing line/],
    ['vtt', 'WEBVTT\n', 1, /no cues/],
  ] as const)('refuses a broken %s file with the line number', (format, text, line, problem) => {
    let caught: unknown;
    try {
      captionsToWebVtt(text, format, `files/bad.${format}`);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CaptionSyntaxError);
    expect((caught as CaptionSyntaxError).line).toBe(line);
    expect((caught as Error).message).toMatch(new RegExp(`^files/bad\\.${format} line ${line}: `));
    expect((caught as Error).message).toMatch(problem);
  });

  it('accepts SRT without counters', () => {
    expect(parseSrt('00:00:01,000 --> 00:00:02,000\na\n\n00:00:02,000 --> 00:00:03,000\nb\n', 'x')).toHaveLength(2);
  });
});
