/**
 * The one module that runs ffmpeg and ffprobe. fluent-ffmpeg is archived
 * upstream and deprecated on npm, so nothing else imports it: if it has to
 * go, only this file changes.
 *
 * Every run is locked down the same way, whoever builds the arguments:
 *   - `-protocol_whitelist file` on every input: no http, no pipe tricks;
 *   - `-format_whitelist <demuxers>`: playlist and concatenation demuxers
 *     (hls, concat, …) are refused by ffmpeg itself, even while probing, so a
 *     crafted upload can never make ffmpeg read another file or a URL;
 *   - the input is forced to the demuxer ffprobe found (`-f`), so ffmpeg
 *     cannot re-detect it differently than the format we checked;
 *   - `-nostdin`, and a wall-clock limit after which the process is SIGKILLed.
 */
import { execFile } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import { MediaTimeoutError, MediaToolError } from './errors';

/**
 * Demuxers the archive accepts for time-based media. Deliberately a short
 * allow-list of real containers: anything that can reference other files
 * (hls, concat, dash, image2 patterns, tee, …) is absent.
 */
export const ALLOWED_DEMUXERS = [
  'mov', 'mp4', 'm4a', '3gp', '3g2', 'mj2', // one demuxer, many names
  'matroska', 'webm',
  'avi', 'mpegts', 'mpeg', 'flv', 'asf', 'ogg',
  'mp3', 'wav', 'flac', 'aac', 'aiff', 'amr', 'w64',
] as const;
const FORMAT_WHITELIST = ALLOWED_DEMUXERS.join(',');

/** Input options every run gets: see the module comment. */
function lockedInputOptions(format: string | undefined): string[] {
  return ['-nostdin', '-protocol_whitelist', 'file', '-format_whitelist', FORMAT_WHITELIST, ...(format ? ['-f', format] : [])];
}

// ---------------------------------------------------------------- ffprobe

export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  pix_fmt?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  sample_rate?: string;
  channels?: number;
  bit_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
}

export interface ProbeData {
  format: { format_name: string; duration?: string; size?: string; bit_rate?: string };
  streams: ProbeStream[];
}

/**
 * Runs ffprobe (JSON output) on a local file. Not through fluent-ffmpeg:
 * its ffprobe() cannot be time-limited or killed, and a probe of a crafted
 * file must be as bounded as a transcode.
 */
export function ffprobe(file: string, options: { timeoutMs: number; displayName: string }): Promise<ProbeData> {
  const args = [
    '-v', 'error',
    ...lockedInputOptions(undefined).filter((a) => a !== '-nostdin'), // ffprobe has no -nostdin
    '-print_format', 'json', '-show_format', '-show_streams',
    `file:${file}`,
  ];
  return new Promise((resolve, reject) => {
    execFile('ffprobe', args, { timeout: options.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        if (error.killed) return reject(new MediaTimeoutError('ffprobe', options.displayName, options.timeoutMs));
        return reject(new MediaToolError('ffprobe', options.displayName, stderr || error.message));
      }
      try {
        const data = JSON.parse(stdout) as Partial<ProbeData>;
        if (!data.format?.format_name) throw new Error('no format in ffprobe output');
        resolve({ format: data.format, streams: data.streams ?? [] });
      } catch (parseError) {
        reject(new MediaToolError('ffprobe', options.displayName, (parseError as Error).message));
      }
    });
  });
}

// ---------------------------------------------------------------- ffmpeg

export interface FfmpegOutput {
  path: string;
  /** Output options, one argument per element (never "-flag value" in one string). */
  options: string[];
}

export interface FfmpegRun {
  /** Local file to read. */
  input: string;
  /** Demuxer name as ffprobe reported it (first of format_name); must be in ALLOWED_DEMUXERS. */
  inputFormat: string;
  /** Extra input options (e.g. -ss for a poster frame), placed before -i. */
  inputOptions?: string[];
  /** A -filter_complex graph. */
  complexFilter?: string;
  outputs: FfmpegOutput[];
  /** Media seconds the run will cover, to turn ffmpeg's time mark into a percentage. */
  durationSeconds?: number;
  timeoutMs: number;
  /** The file as people know it, for error messages. */
  displayName: string;
  onProgress?: (fraction: number) => void;
}

/** The full ffmpeg argument list of a run: what the benchmark runs bare, and what tests may print. */
export function ffmpegArgs(run: FfmpegRun): string[] {
  return [
    '-hide_banner',
    ...lockedInputOptions(run.inputFormat),
    ...(run.inputOptions ?? []),
    '-i', `file:${run.input}`,
    '-y',
    ...(run.complexFilter ? ['-filter_complex', run.complexFilter] : []),
    ...run.outputs.flatMap((o) => [...o.options, o.path]),
  ];
}

function assertAllowedFormat(format: string): void {
  if (!(ALLOWED_DEMUXERS as readonly string[]).includes(format)) throw new Error(`demuxer ${format} is not allowed`);
}

/**
 * fluent-ffmpeg splits an option string containing exactly one space into
 * two arguments when options come as one array; passing them as separate
 * arguments (≥ 2) turns the splitting off. A lone option must not contain a space.
 */
function separateArgs(options: string[]): [string, ...string[]] | undefined {
  if (options.length === 0) return undefined;
  if (options.length === 1 && options[0]!.includes(' ')) throw new Error(`option "${options[0]}" needs its value as a separate argument`);
  return options as [string, ...string[]];
}

/** "00:01:02.50" → 62.5 */
function timemarkSeconds(mark: string): number {
  const m = /^(-?)(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(mark);
  if (!m) return 0;
  return (m[1] ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]));
}

/** Runs ffmpeg through fluent-ffmpeg with the locked-down input options, a wall-clock kill and progress. */
export function runFfmpeg(run: FfmpegRun): Promise<void> {
  assertAllowedFormat(run.inputFormat);
  const command = ffmpeg({ stdoutLines: 40 }).input(`file:${run.input}`);
  const inputOptions = separateArgs([...lockedInputOptions(run.inputFormat), ...(run.inputOptions ?? [])]);
  if (inputOptions) command.inputOptions(...inputOptions);
  if (run.complexFilter) command.complexFilter(run.complexFilter);
  for (const output of run.outputs) {
    command.output(output.path);
    const options = separateArgs(output.options);
    if (options) command.outputOptions(...options);
  }

  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => {
      command.kill('SIGKILL');
      finish(new MediaTimeoutError('ffmpeg', run.displayName, run.timeoutMs));
    }, run.timeoutMs);
    command.on('progress', (p: { timemark?: string }) => {
      if (!run.onProgress || !run.durationSeconds || !p.timemark) return;
      run.onProgress(Math.max(0, Math.min(1, timemarkSeconds(p.timemark) / run.durationSeconds)));
    });
    command.on('error', (error: Error, _stdout: string | null, stderr: string | null) => {
      finish(new MediaToolError('ffmpeg', run.displayName, stderr || error.message));
    });
    command.on('end', () => finish());
    command.run();
  });
}
