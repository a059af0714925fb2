/**
 * A tiny seeded PRNG (mulberry32) so every simulated crash and partial write is
 * reproducible from its seed.
 */
export class SeededRng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 2^32). */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n] (inclusive). */
  upTo(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.nextU32() / 0x1_0000_0000) * (n + 1));
  }

  coin(): boolean {
    return (this.nextU32() & 1) === 1;
  }
}
