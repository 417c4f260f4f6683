import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: sorts like the time it encodes

/**
 * A ULID-style id: 48 bits of milliseconds then 80 random bits, so ids sort by creation time
 * and cursor pagination over ids is pagination over time.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(10);
  let rand = '';
  for (let i = 0; i < 16; i++) {
    // 16 chars × 5 bits = 80 bits, read from the 10 random bytes
    const bit = i * 5;
    const byte = bit >> 3;
    const offset = bit & 7;
    const word = ((bytes[byte] ?? 0) << 8) | (bytes[byte + 1] ?? 0);
    rand += ALPHABET[(word >> (11 - offset)) & 31];
  }
  return `${prefix}_${time}${rand}`;
}

export const nowIso = (): string => new Date().toISOString();
