/**
 * Sessions on a connection: at most so many commands at once (OpenSSH allows 10 sessions per
 * connection by default: MaxSessions), and the bookkeeping that lets a connection the server
 * refuses more sessions on carry its running commands to their end before it is closed.
 */
import type { Client } from "ssh2";

/** A counting semaphore: at most `max` holders; more wait their turn, first come first served. */
export class SessionBound {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async acquire(): Promise<void> {
    while (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  /** Wakes every waiter (on close: each then finds the connection closed). */
  wakeAll(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** Commands running on each client, and the clients to end when theirs have finished. */
export class ClientSessions {
  private readonly inFlight = new Map<Client, number>();
  private readonly retiring = new Set<Client>();

  constructor(private readonly end: (client: Client) => void) {}

  /** A session opened on the client. */
  opened(client: Client): void {
    this.inFlight.set(client, (this.inFlight.get(client) ?? 0) + 1);
  }

  /** A session of the client finished; a retired client ends with its last one. */
  settled(client: Client): void {
    const left = (this.inFlight.get(client) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(client, left);
      return;
    }
    this.inFlight.delete(client);
    if (this.retiring.delete(client)) this.end(client);
  }

  /** No new session goes on the client: it ends now, or when its running commands have finished. */
  retire(client: Client): void {
    if ((this.inFlight.get(client) ?? 0) === 0) this.end(client);
    else this.retiring.add(client);
  }

  /** The retired clients still carrying commands, handed over (to be ended now, on close). */
  takeRetiring(): Client[] {
    const retiring = [...this.retiring];
    this.retiring.clear();
    return retiring;
  }
}
