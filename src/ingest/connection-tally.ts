export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

/** An admitted connection's place in the tally; release() is idempotent. */
export interface ConnectionTicket {
  release(): void;
}

/** Counts connections overall and per client address, and refuses those beyond the limits. */
export class ConnectionTally {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: ConnectionLimits) {}

  /** A ticket for the connection, or why it is refused. */
  admit(address: string): ConnectionTicket | "total_limit" | "address_limit" {
    if (this.total >= this.limits.maxConnections) return "total_limit";
    const fromAddress = this.byAddress.get(address) ?? 0;
    if (fromAddress >= this.limits.maxConnectionsPerAddress) return "address_limit";
    this.total += 1;
    this.byAddress.set(address, fromAddress + 1);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.total -= 1;
        const left = (this.byAddress.get(address) ?? 1) - 1;
        if (left === 0) this.byAddress.delete(address);
        else this.byAddress.set(address, left);
      },
    };
  }

  get size(): number {
    return this.total;
  }
}

/** IPv4 clients of a dual-stack listener appear as ::ffff:a.b.c.d; they are the same client as a.b.c.d. */
export function clientAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return "unknown";
  return remoteAddress.startsWith("::ffff:") ? remoteAddress.slice(7) : remoteAddress;
}
