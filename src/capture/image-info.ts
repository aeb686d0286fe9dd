export interface ImageInfo {
  format: "JPG" | "PNG";
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegInfo(data: Buffer): ImageInfo | null {
  let p = 2;
  while (p + 4 <= data.length) {
    if (data[p] !== 0xff) return null;
    const marker = data[p + 1] as number;
    if (marker === 0xff) {
      p += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      p += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null;
    const length = data.readUInt16BE(p + 2);
    if (isStartOfFrame(marker)) {
      if (p + 9 > data.length) return null;
      const height = data.readUInt16BE(p + 5);
      const width = data.readUInt16BE(p + 7);
      return width > 0 && height > 0 ? { format: "JPG", width, height } : null;
    }
    p += 2 + length;
  }
  return null;
}

function readPngInfo(data: Buffer): ImageInfo | null {
  if (data.length < 24 || data.toString("latin1", 12, 16) !== "IHDR") return null;
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  return width > 0 && height > 0 ? { format: "PNG", width, height } : null;
}

/** Format and pixel size from a JPEG's frame header or a PNG's IHDR; null for anything else. */
export function readImageInfo(data: Buffer): ImageInfo | null {
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) return readJpegInfo(data);
  if (data.length >= PNG_SIGNATURE.length && data.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
    return readPngInfo(data);
  }
  return null;
}
