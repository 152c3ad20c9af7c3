import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/** Between these declared sizes, the bytes are copied into one buffer of that size as they arrive. */
const PREALLOCATE_FROM = 64 * 1024;
const PREALLOCATE_UP_TO = 32 * 1024 * 1024;

/**
 * A response body's text, put together as its bytes arrive.
 *
 * While every byte is ASCII — PVE's answers nearly always are: names, tags, pools and storages are restricted to
 * ASCII — the bytes stay outside the JavaScript heap and become text once, at the end, as Latin-1 (the same text
 * for ASCII bytes). Node makes a string of a megabyte or more that way an *external* string: a copy outside the
 * heap that garbage collections never copy. A 20,000-guest answer (6 MB) decoded piece by piece instead lived
 * in the heap's young generation while the answer arrived and was read, and the extension host's
 * young-generation collections copied it, stopping the host for that time. When the answer declares its
 * length, the bytes go into one buffer of that length as they arrive, so the end costs one copy, not two.
 * `asciiBytes()` hands over the bytes themselves, for a reader that makes text of them part by part.
 *
 * From the first chunk with another byte on, the text is decoded as it arrives (UTF-8, a character split
 * across chunks included), so no large decode blocks the host at the end.
 */
export class BodyText {
  /** ASCII bytes so far: `filled` bytes of `buffer`, then `chunks`. */
  private buffer: Buffer | undefined;
  private filled = 0;
  private chunks: Buffer[] = [];
  /** Decoded text so far, once a byte was not ASCII. */
  private parts: string[] | undefined;
  private decoder: StringDecoder | undefined;

  /** @param declared the answer's Content-Length, when it has one */
  constructor(declared?: number) {
    // A larger declared size is not taken on trust: such an answer is read chunk by chunk.
    if (declared !== undefined && Number.isSafeInteger(declared) && declared >= PREALLOCATE_FROM && declared <= PREALLOCATE_UP_TO) {
      this.buffer = Buffer.allocUnsafe(declared);
    }
  }

  add(chunk: Buffer): void {
    if (this.parts === undefined) {
      if (isAscii(chunk)) {
        if (this.buffer && this.chunks.length === 0 && this.filled + chunk.length <= this.buffer.length) {
          chunk.copy(this.buffer, this.filled);
          this.filled += chunk.length;
        } else this.chunks.push(chunk);
        return;
      }
      const ascii = this.ascii();
      this.parts = ascii.length > 0 ? [ascii.toString('latin1')] : [];
      this.decoder = new StringDecoder('utf8');
    }
    this.parts.push(this.decoder!.write(chunk));
  }

  /**
   * The whole answer as bytes when every byte was ASCII (then they are forgotten here), else undefined. A large
   * answer read from its bytes in parts never becomes one string (see sliced.ts): the string of a 6 MB answer
   * is 6 MB of memory the process has not touched yet, filled in one go (15–40 ms on a 2-core machine).
   */
  asciiBytes(): Buffer | undefined {
    return this.parts === undefined ? this.ascii() : undefined;
  }

  /** The whole text. */
  text(): string {
    if (this.parts !== undefined) return this.parts.join('') + this.decoder!.end();
    return this.ascii().toString('latin1');
  }

  /** Forgets what was received (an answer over the size limit). */
  clear(): void {
    this.buffer = undefined;
    this.filled = 0;
    this.chunks = [];
    this.parts = undefined;
    this.decoder = undefined;
  }

  /** The ASCII bytes received so far, in one buffer; they are forgotten here. */
  private ascii(): Buffer {
    const head = this.buffer?.subarray(0, this.filled);
    const all = head ? [head, ...this.chunks] : this.chunks;
    this.buffer = undefined;
    this.filled = 0;
    this.chunks = [];
    return all.length === 1 ? all[0] : Buffer.concat(all);
  }
}
