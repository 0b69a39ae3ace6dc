import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { walChecksum } from '../../../../src/main/store/side-files';

/** SQLite's WAL checksum as its file-format document writes it, one word at a time. */
function reference(data: Buffer, bigEndian: boolean, s0: number, s1: number): [number, number] {
  for (let i = 0; i + 8 <= data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

describe('walChecksum', () => {
  it('matches the file-format definition for both byte orders, any offset and any seed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: 7 }),
        fc.boolean(),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 0xffffffff }),
        (bytes, offset, bigEndian, s0, s1) => {
          // An odd byteOffset as well: page data sits 24 bytes into a frame buffer.
          const data = Buffer.concat([Buffer.alloc(offset), Buffer.from(bytes)]).subarray(offset);
          expect(walChecksum(data, bigEndian, s0, s1)).toEqual(reference(data, bigEndian, s0, s1));
        },
      ),
    );
  });
});
