/** SHA-512, the archive's fixity algorithm, over buffers and streams. */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

export const DIGEST_ALGORITHM = 'sha512';

export function sha512(data: Buffer | Uint8Array | string): string {
  return createHash(DIGEST_ALGORITHM).update(data).digest('hex');
}

export function sha512OfStream(stream: Readable): Promise<{ digest: string; size: number }> {
  return digestOfStream(stream, DIGEST_ALGORITHM);
}

/** The digest (hex) and length of everything a stream gives, read through once and never held. */
export async function digestOfStream(stream: Readable, algorithm: string): Promise<{ digest: string; size: number }> {
  const hash = createHash(algorithm);
  let size = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    hash.update(bytes);
    size += bytes.length;
  }
  return { digest: hash.digest('hex'), size };
}

/**
 * A pass-through that hashes and counts what flows through it, never holding it (an original or a rendition may be
 * gigabytes); read result() after it ends. SHA-512 unless another algorithm is named (derivative staging uses SHA-256).
 */
export class DigestingStream extends Transform {
  private readonly hash: ReturnType<typeof createHash>;
  private bytes = 0;

  constructor(algorithm: string = DIGEST_ALGORITHM) {
    super();
    this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  private finished?: { digest: string; size: number };
  result(): { digest: string; size: number } {
    this.finished ??= { digest: this.hash.digest('hex'), size: this.bytes };
    return this.finished;
  }
}
