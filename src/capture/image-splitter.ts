const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DEFAULT_MAX_IMAGE_BYTES = 64 * 1024 * 1024;

type Phase = "start" | "jpeg-segments" | "jpeg-entropy" | "png-chunks";

/** Markers without a length field: TEM, RST0..7, SOI, EOI. */
function isStandaloneMarker(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
}

/**
 * Cuts a byte stream of concatenated JPEG and PNG images (ffmpeg's image2pipe output) into
 * whole images. Parsing resumes where it stopped, so a stream fed byte by byte costs the
 * same as one fed in large chunks. Bytes that start no known image are skipped.
 */
export class ImageSplitter {
  private buffer: Buffer;
  private length = 0;
  private position = 0;
  private phase: Phase = "start";
  private readonly maxImageBytes: number;

  constructor(options: { maxImageBytes?: number } = {}) {
    this.maxImageBytes = options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES;
    this.buffer = Buffer.alloc(64 * 1024);
  }

  /** Bytes held for an image not complete yet. */
  get pendingBytes(): number {
    return this.length;
  }

  push(chunk: Buffer): Buffer[] {
    this.append(chunk);
    const images: Buffer[] = [];
    for (;;) {
      const end = this.advance();
      if (end === null) break;
      images.push(Buffer.from(this.buffer.subarray(0, end)));
      this.discard(end);
    }
    if (this.length > this.maxImageBytes) this.discard(this.length);
    return images;
  }

  private append(chunk: Buffer): void {
    if (this.length + chunk.length > this.buffer.length) {
      let size = this.buffer.length * 2;
      while (size < this.length + chunk.length) size *= 2;
      const grown = Buffer.alloc(size);
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length += chunk.length;
  }

  private discard(count: number): void {
    this.buffer.copyWithin(0, count, this.length);
    this.length -= count;
    this.position = 0;
    this.phase = "start";
  }

  /** Parses as far as the bytes allow; returns the end offset of a complete image or null. */
  private advance(): number | null {
    const b = this.buffer;
    for (;;) {
      switch (this.phase) {
        case "start": {
          if (this.length < 2) return null;
          if (b[0] === 0xff && b[1] === 0xd8) {
            this.phase = "jpeg-segments";
            this.position = 2;
            break;
          }
          if (b[0] === 0x89) {
            if (this.length < PNG_SIGNATURE.length) return null;
            if (b.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
              this.phase = "png-chunks";
              this.position = PNG_SIGNATURE.length;
              break;
            }
          }
          this.skipToNextCandidate();
          break;
        }
        case "jpeg-segments": {
          const p = this.position;
          if (this.length < p + 2) return null;
          if (b[p] !== 0xff) {
            this.skipToNextCandidate();
            break;
          }
          const marker = b[p + 1] as number;
          if (marker === 0xff) {
            this.position = p + 1;
            break;
          }
          if (marker === 0xd9) return p + 2;
          if (isStandaloneMarker(marker)) {
            this.position = p + 2;
            break;
          }
          if (this.length < p + 4) return null;
          this.position = p + 2 + b.readUInt16BE(p + 2);
          if (marker === 0xda) this.phase = "jpeg-entropy";
          break;
        }
        case "jpeg-entropy": {
          const filled = b.subarray(0, this.length);
          let p = this.position;
          for (;;) {
            const ff = filled.indexOf(0xff, p);
            if (ff === -1) {
              this.position = this.length;
              return null;
            }
            if (ff + 1 >= this.length) {
              this.position = ff;
              return null;
            }
            const next = b[ff + 1] as number;
            if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) {
              p = ff + 2;
            } else if (next === 0xff) {
              p = ff + 1;
            } else if (next === 0xd9) {
              return ff + 2;
            } else {
              // Another marker (progressive JPEG: DHT, next SOS): back to segment parsing.
              this.position = ff;
              this.phase = "jpeg-segments";
              break;
            }
          }
          break;
        }
        case "png-chunks": {
          const p = this.position;
          if (this.length < p + 8) return null;
          const dataLength = b.readUInt32BE(p);
          const end = p + 12 + dataLength;
          if (b.toString("latin1", p + 4, p + 8) === "IEND") {
            if (this.length < end) return null;
            return end;
          }
          this.position = end;
          break;
        }
      }
    }
  }

  /** Drops bytes up to the next byte that could start an image, to resynchronise after garbage. */
  private skipToNextCandidate(): void {
    let i = 1;
    while (i < this.length && this.buffer[i] !== 0xff && this.buffer[i] !== 0x89) i++;
    this.discard(i);
  }
}
