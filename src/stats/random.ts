/**
 * Seeded pseudo-random numbers, so bootstraps and simulations give the same answer on every
 * machine and every run. Generator: xoshiro128** 1.1 (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", 2018/2021), 32-bit words so it needs only Math.imul; period
 * 2¹²⁸ − 1, which is plenty for resampling. Not for cryptography.
 */

export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform integer in [0, limit). */
  integer(limit: number): number;
  /** Standard normal deviate (Box & Muller 1958, trigonometric form). */
  normal(): number;
}

const GOLDEN_GAMMA = 0x9e3779b9;

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

/**
 * MurmurHash3's 32-bit finaliser (Appleby), applied to a Weyl sequence as in SplitMix (Steele,
 * Lea & Flood 2014): it turns neighbouring seeds 1, 2, 3 into unrelated, non-zero states.
 */
function mixSeedWord(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** A generator from an integer seed (any safe integer; fractions are truncated). */
export function createRng(seed: number): Rng {
  const whole = Math.trunc(seed);
  const low = whole >>> 0;
  const high = Math.floor(whole / 0x1_0000_0000) >>> 0;
  const state = [1, 2, 3, 4].map((step) =>
    mixSeedWord(mixSeedWord(low + Math.imul(step, GOLDEN_GAMMA)) + high),
  );
  // xoshiro must never start from the all-zero state, its one fixed point.
  if (!state.some((word) => word !== 0)) state[0] = 1;

  const nextWord = (): number => {
    const result = Math.imul(rotateLeft(Math.imul(state[1], 5), 7), 9) >>> 0;
    const shifted = state[1] << 9;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= shifted;
    state[3] = rotateLeft(state[3], 11);
    return result;
  };

  const next = (): number => {
    const upper = nextWord() >>> 5; // 27 bits
    const lower = nextWord() >>> 6; // 26 bits
    return (upper * 67_108_864 + lower) / 9_007_199_254_740_992;
  };

  let spareNormal: number | undefined;
  const normal = (): number => {
    if (spareNormal !== undefined) {
      const value = spareNormal;
      spareNormal = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  return {
    next,
    integer: (limit) => Math.floor(next() * limit),
    normal,
  };
}
