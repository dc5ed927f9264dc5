/**
 * MD4 (RFC 1320) for k6/crypto's `md4`: Node's OpenSSL 3 no longer offers it in the default
 * provider, and k6 scripts still call it.
 */
export function md4(input: Buffer): Buffer {
  const bitLength = input.length * 8;
  const padded = Buffer.alloc((((input.length + 8) >> 6) + 1) * 64);
  input.copy(padded);
  padded[input.length] = 0x80;
  padded.writeUInt32LE(bitLength >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bitLength / 2 ** 32), padded.length - 4);
  let [a, b, c, d] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));
  const f = (x: number, y: number, z: number) => (x & y) | (~x & z);
  const g = (x: number, y: number, z: number) => (x & y) | (x & z) | (y & z);
  const h = (x: number, y: number, z: number) => x ^ y ^ z;
  for (let offset = 0; offset < padded.length; offset += 64) {
    const x = Array.from({ length: 16 }, (_, i) => padded.readUInt32LE(offset + i * 4));
    const [aa, bb, cc, dd] = [a, b, c, d];
    const round = (fn: typeof f, k: number, order: number[], shifts: number[]) => {
      order.forEach((i, step) => {
        const s = shifts[step % 4] as number;
        const xi = x[i] as number;
        if (step % 4 === 0) a = rotl((a + fn(b, c, d) + xi + k) | 0, s);
        else if (step % 4 === 1) d = rotl((d + fn(a, b, c) + xi + k) | 0, s);
        else if (step % 4 === 2) c = rotl((c + fn(d, a, b) + xi + k) | 0, s);
        else b = rotl((b + fn(c, d, a) + xi + k) | 0, s);
      });
    };
    round(f, 0, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [3, 7, 11, 19]);
    round(g, 0x5a827999, [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15], [3, 5, 9, 13]);
    round(h, 0x6ed9eba1, [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15], [3, 9, 11, 15]);
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  [a, b, c, d].forEach((word, i) => {
    out.writeInt32LE(word, i * 4);
  });
  return out;
}
