import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

/**
 * A response body's text, put together as its bytes arrive.
 *
 * While every byte is ASCII — PVE's answers nearly always are: names, tags, pools and storages are restricted to
 * ASCII — the bytes stay in their buffers, outside the JavaScript heap, and become text once, at the end, as
 * Latin-1 (the same text for ASCII bytes). Node makes a string of a megabyte or more that way an *external*
 * string: a copy outside the heap that garbage collections never copy. A 20,000-guest answer (6 MB) decoded
 * piece by piece instead lived in the heap's young generation while the answer arrived and was read, and the
 * extension host's young-generation collections copied it, stopping the host for that time.
 *
 * From the first chunk with another byte on, the text is decoded as it arrives (UTF-8, a character split
 * across chunks included), so no large decode blocks the host at the end.
 */
export class BodyText {
  private chunks: Buffer[] = [];
  private parts: string[] | undefined;
  private decoder: StringDecoder | undefined;

  add(chunk: Buffer): void {
    if (this.parts === undefined) {
      if (isAscii(chunk)) {
        this.chunks.push(chunk);
        return;
      }
      this.parts = this.chunks.length > 0 ? [Buffer.concat(this.chunks).toString('latin1')] : [];
      this.chunks = [];
      this.decoder = new StringDecoder('utf8');
    }
    this.parts.push(this.decoder!.write(chunk));
  }

  /** The whole text; `length` is the number of bytes received. */
  text(length: number): string {
    if (this.parts !== undefined) return this.parts.join('') + this.decoder!.end();
    const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, length);
    this.chunks = [];
    return bytes.toString('latin1');
  }

  /** Forgets what was received (an answer over the size limit). */
  clear(): void {
    this.chunks = [];
    this.parts = undefined;
    this.decoder = undefined;
  }
}
