/**
 * How many WebSocket connections and subscriptions each token holds on this instance, against
 * caps no real client reaches: one token cannot pin down the server's memory or sockets.
 */
export class TokenHoldings {
  private readonly connections = new Map<string, number>();
  private readonly subscriptions = new Map<string, number>();

  constructor(private readonly caps: { connections: number; subscriptions: number }) {}

  /** false when the token already holds its maximum of connections. */
  addConnection(tokenId: string): boolean {
    return add(this.connections, tokenId, this.caps.connections);
  }

  removeConnection(tokenId: string): void {
    remove(this.connections, tokenId);
  }

  /** false when the token already holds its maximum of subscriptions. */
  addSubscription(tokenId: string): boolean {
    return add(this.subscriptions, tokenId, this.caps.subscriptions);
  }

  removeSubscription(tokenId: string): void {
    remove(this.subscriptions, tokenId);
  }

  /** What `tokenId` holds now; tokens holding nothing are not kept. */
  held(tokenId: string): { connections: number; subscriptions: number } {
    return { connections: this.connections.get(tokenId) ?? 0, subscriptions: this.subscriptions.get(tokenId) ?? 0 };
  }

  get tokens(): number {
    return new Set([...this.connections.keys(), ...this.subscriptions.keys()]).size;
  }
}

function add(counts: Map<string, number>, key: string, cap: number): boolean {
  const current = counts.get(key) ?? 0;
  if (current >= cap) return false;
  counts.set(key, current + 1);
  return true;
}

function remove(counts: Map<string, number>, key: string): void {
  const current = counts.get(key) ?? 0;
  if (current <= 1) counts.delete(key);
  else counts.set(key, current - 1);
}
