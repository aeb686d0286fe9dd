/**
 * How many of something (connections, subscriptions) each token holds on this instance, against
 * a cap no real client reaches: one token cannot pin down the server's memory or sockets.
 */
export class PerTokenCount {
  private readonly counts = new Map<string, number>();

  constructor(readonly cap: number) {}

  /** false when the token already holds `cap`. */
  tryAdd(tokenId: string): boolean {
    const current = this.counts.get(tokenId) ?? 0;
    if (current >= this.cap) return false;
    this.counts.set(tokenId, current + 1);
    return true;
  }

  remove(tokenId: string): void {
    const current = this.counts.get(tokenId) ?? 0;
    if (current <= 1) this.counts.delete(tokenId);
    else this.counts.set(tokenId, current - 1);
  }

  held(tokenId: string): number {
    return this.counts.get(tokenId) ?? 0;
  }

  /** Tokens holding anything; those holding nothing are not kept. */
  get tokens(): number {
    return this.counts.size;
  }
}
