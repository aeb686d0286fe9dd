/**
 * The AMF0 subset RTMP commands use: numbers, booleans, strings, objects, null, arrays. The
 * decoder never throws past its caller's try: malformed or too-deep input is an Amf0Error.
 */

export type Amf0Value = number | boolean | string | null | undefined | Amf0Value[] | { [key: string]: Amf0Value };

export class Amf0Error extends Error {
  override readonly name = "Amf0Error";
}

const MAX_DEPTH = 8;
const MAX_ENTRIES = 1024;

export function encodeAmf0(values: Amf0Value[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) encodeValue(value, parts);
  return Buffer.concat(parts);
}

function encodeString(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const head = Buffer.alloc(2);
  head.writeUInt16BE(Math.min(bytes.length, 0xffff));
  return Buffer.concat([head, bytes.subarray(0, 0xffff)]);
}

function encodeValue(value: Amf0Value, parts: Buffer[]): void {
  if (typeof value === "number") {
    const buffer = Buffer.alloc(9);
    buffer[0] = 0x00;
    buffer.writeDoubleBE(value, 1);
    parts.push(buffer);
  } else if (typeof value === "boolean") {
    parts.push(Buffer.from([0x01, value ? 1 : 0]));
  } else if (typeof value === "string") {
    parts.push(Buffer.from([0x02]), encodeString(value));
  } else if (value === null) {
    parts.push(Buffer.from([0x05]));
  } else if (value === undefined) {
    parts.push(Buffer.from([0x06]));
  } else if (Array.isArray(value)) {
    const head = Buffer.alloc(5);
    head[0] = 0x0a;
    head.writeUInt32BE(value.length, 1);
    parts.push(head);
    for (const item of value) encodeValue(item, parts);
  } else {
    parts.push(Buffer.from([0x03]));
    for (const [key, item] of Object.entries(value)) {
      parts.push(encodeString(key));
      encodeValue(item, parts);
    }
    parts.push(Buffer.from([0x00, 0x00, 0x09]));
  }
}

/** Every value in the buffer, in order. */
export function decodeAmf0(buffer: Buffer): Amf0Value[] {
  const reader = { buffer, offset: 0 };
  const values: Amf0Value[] = [];
  while (reader.offset < buffer.length) {
    if (values.length >= MAX_ENTRIES) throw new Amf0Error(`more than ${MAX_ENTRIES} AMF0 values`);
    values.push(decodeValue(reader, 0));
  }
  return values;
}

interface Reader {
  buffer: Buffer;
  offset: number;
}

function need(reader: Reader, bytes: number): void {
  if (reader.offset + bytes > reader.buffer.length) throw new Amf0Error("AMF0 value runs past the end of the message");
}

function readString(reader: Reader, long: boolean): string {
  need(reader, long ? 4 : 2);
  const length = long ? reader.buffer.readUInt32BE(reader.offset) : reader.buffer.readUInt16BE(reader.offset);
  reader.offset += long ? 4 : 2;
  need(reader, length);
  const text = reader.buffer.toString("utf8", reader.offset, reader.offset + length);
  reader.offset += length;
  return text;
}

function readProperties(reader: Reader, depth: number): { [key: string]: Amf0Value } {
  const object: { [key: string]: Amf0Value } = Object.create(null) as { [key: string]: Amf0Value };
  for (let entries = 0; ; entries++) {
    if (entries > MAX_ENTRIES) throw new Amf0Error(`AMF0 object with more than ${MAX_ENTRIES} properties`);
    const key = readString(reader, false);
    need(reader, 1);
    if (key === "" && reader.buffer[reader.offset] === 0x09) {
      reader.offset += 1;
      return object;
    }
    object[key] = decodeValue(reader, depth + 1);
  }
}

function decodeValue(reader: Reader, depth: number): Amf0Value {
  if (depth > MAX_DEPTH) throw new Amf0Error(`AMF0 values nested deeper than ${MAX_DEPTH}`);
  need(reader, 1);
  const marker = reader.buffer[reader.offset]!;
  reader.offset += 1;
  switch (marker) {
    case 0x00: {
      need(reader, 8);
      const value = reader.buffer.readDoubleBE(reader.offset);
      reader.offset += 8;
      return value;
    }
    case 0x01:
      need(reader, 1);
      return reader.buffer[reader.offset++] !== 0;
    case 0x02:
      return readString(reader, false);
    case 0x03:
      return readProperties(reader, depth);
    case 0x05:
      return null;
    case 0x06:
      return undefined;
    case 0x08:
      need(reader, 4);
      reader.offset += 4; // the count is a hint only: the properties end with the object end marker
      return readProperties(reader, depth);
    case 0x0a: {
      need(reader, 4);
      const count = reader.buffer.readUInt32BE(reader.offset);
      reader.offset += 4;
      if (count > MAX_ENTRIES) throw new Amf0Error(`AMF0 array of ${count} items`);
      const items: Amf0Value[] = [];
      for (let i = 0; i < count; i++) items.push(decodeValue(reader, depth + 1));
      return items;
    }
    case 0x0b:
      need(reader, 10);
      reader.offset += 10;
      return undefined;
    case 0x0c:
      return readString(reader, true);
    default:
      throw new Amf0Error(`unknown AMF0 type marker 0x${marker.toString(16).padStart(2, "0")}`);
  }
}
