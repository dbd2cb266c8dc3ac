/**
 * SM3 (GB/T 32905-2016 / GM/T 0004-2012) in portable TypeScript, for runtimes without an
 * OpenSSL that knows SM3 (browsers). Node callers use `sm3` from sm3.ts, which picks OpenSSL.
 */
const SM3_IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e] as const;
const SM3_T_LOW = 0x79cc4519; // rounds 0..15
const SM3_T_HIGH = 0x7a879d8a; // rounds 16..63
const SM3_BLOCK_LENGTH_BYTES = 64;
export const SM3_DIGEST_LENGTH_BYTES = 32;

function rotl(x: number, n: number): number {
  const s = n & 31;
  return s === 0 ? x : ((x << s) | (x >>> (32 - s))) >>> 0;
}

const p0 = (x: number): number => (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0;
const p1 = (x: number): number => (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0;

function compress(state: Uint32Array, block: DataView, offset: number, w: Uint32Array, w1: Uint32Array): void {
  for (let j = 0; j < 16; j++) w[j] = block.getUint32(offset + 4 * j, false);
  for (let j = 16; j < 68; j++) {
    w[j] = (p1(w[j - 16]! ^ w[j - 9]! ^ rotl(w[j - 3]!, 15)) ^ rotl(w[j - 13]!, 7) ^ w[j - 6]!) >>> 0;
  }
  for (let j = 0; j < 64; j++) w1[j] = (w[j]! ^ w[j + 4]!) >>> 0;

  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!;
  let e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let j = 0; j < 64; j++) {
    const t = j < 16 ? SM3_T_LOW : SM3_T_HIGH;
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + rotl(t, j)) >>> 0, 7);
    const ss2 = (ss1 ^ a12) >>> 0;
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = (ff + d + ss2 + w1[j]!) >>> 0;
    const tt2 = (gg + h + ss1 + w[j]!) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = p0(tt2);
  }
  state[0]! ^= a; state[1]! ^= b; state[2]! ^= c; state[3]! ^= d;
  state[4]! ^= e; state[5]! ^= f; state[6]! ^= g; state[7]! ^= h;
}

/** SM3 digest of the concatenation of `parts` (32 bytes). */
export function sm3Pure(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  // Padding: 0x80, zeros, then the message length in bits as a 64-bit big-endian integer.
  const paddedLength = Math.ceil((length + 9) / SM3_BLOCK_LENGTH_BYTES) * SM3_BLOCK_LENGTH_BYTES;
  const buffer = new Uint8Array(paddedLength);
  let offset = 0;
  for (const p of parts) {
    buffer.set(p, offset);
    offset += p.length;
  }
  buffer[length] = 0x80;
  const view = new DataView(buffer.buffer);
  const bitLength = length * 8;
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 0x1_0000_0000), false);
  view.setUint32(paddedLength - 4, bitLength >>> 0, false);

  const state = Uint32Array.from(SM3_IV);
  const w = new Uint32Array(68);
  const w1 = new Uint32Array(64);
  for (let block = 0; block < paddedLength; block += SM3_BLOCK_LENGTH_BYTES) compress(state, view, block, w, w1);

  const out = new Uint8Array(SM3_DIGEST_LENGTH_BYTES);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(4 * i, state[i]!, false);
  return out;
}
