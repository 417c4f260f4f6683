import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: sorts like the time it encodes

let lastTime = -1;
let lastRandom: number[] = [];

/** 16 base32 digits (80 bits) of randomness. */
function randomDigits(): number[] {
  const bytes = randomBytes(16);
  return [...bytes].map((b) => b & 31);
}

/** Adds one to the random part, so ids made in the same millisecond keep their order. */
function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i]!++;
      return next;
    }
    next[i] = 0;
  }
  return randomDigits(); // 2^80 ids in one millisecond: unreachable in practice
}

/**
 * A monotonic ULID-style id: 48 bits of milliseconds then 80 bits that are random for the
 * first id of a millisecond and incremented after, so ids sort in the order they were made.
 * Cursor pages follow time, and the memories of a conversation added in one batch keep their
 * order (search uses it to find the turns around a hit).
 */
export function newId(prefix: string, now = Date.now()): string {
  if (now === lastTime) lastRandom = increment(lastRandom);
  else {
    lastRandom = randomDigits();
    if (now > lastTime) lastTime = now;
  }
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${lastRandom.map((d) => ALPHABET[d]).join('')}`;
}

export const nowIso = (): string => new Date().toISOString();
