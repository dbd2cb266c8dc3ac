/**
 * Who may sign, as the gateway sees it: parties and keys read from its own tables (kept from
 * ledger.events) through a small in-process cache. Every gateway process caches; when the view
 * changes, the process that applied the change tells the others over Redis pub/sub, and cache
 * entries also expire on their own, so a key revoked on the ledger stops passing the gateway's
 * check within `registryCacheTtlMs` at worst (the ledger refuses it at once either way).
 */
import type { Redis } from 'ioredis';
import type { Pool } from '@cascade/db';
import { isUuid } from '@cascade/ids';
import { findKey, findParty, issuersOfVouchers, type KeyRecord, type PartyRecord } from '../data-access/registry.ts';

export const registryCacheTtlMs = 30_000;
/** An id asked for and not found is remembered this long, so bogus key ids cannot hammer PostgreSQL. */
export const registryMissTtlMs = 1_000;
export const registryCacheEntriesMax = 100_000;
/** Voucher ids looked up in one query at most. */
export const issuerLookupBatchMax = 500;

interface Entry<T> {
  value: T | undefined;
  until: number;
}

class TtlCache<T> {
  private readonly map = new Map<string, Entry<T>>();
  get(key: string, now: number): Entry<T> | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.until < now) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }
  set(key: string, value: T | undefined, until: number): void {
    if (this.map.size >= registryCacheEntriesMax) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, { value, until });
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}

export class RegistryView {
  private readonly parties = new TtlCache<PartyRecord>();
  private readonly keys = new TtlCache<KeyRecord>();
  private readonly issuers = new TtlCache<string>();
  private subscriber: Redis | null = null;
  /** Voucher ids waiting for the next issuer query, and who waits for each. */
  private issuerQueue = new Map<string, { resolve: (issuer: string | undefined) => void; reject: (error: Error) => void }[]>();
  private issuerQueryRunning = false;
  /** Other caches told of every announcement (the authenticator forgets revoked tokens). */
  readonly listeners: ((what: string) => void)[] = [];

  constructor(
    private readonly pool: Pool,
    private readonly redis: Redis,
    private readonly channel: string,
  ) {}

  async start(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('error', () => undefined);
    await this.subscriber.connect();
    this.subscriber.on('message', (_channel, message: string) => this.forget(message));
    await this.subscriber.subscribe(this.channel);
  }

  async stop(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }

  /** Drops what is cached about a party (`party:<id>`) or a key (`key:<id>`), or everything (`*`). */
  forget(what: string): void {
    for (const listen of this.listeners) listen(what);
    if (what === '*') {
      this.parties.clear();
      this.keys.clear();
      return;
    }
    const [kind, id] = [what.slice(0, what.indexOf(':')), what.slice(what.indexOf(':') + 1)];
    if (kind === 'party') this.parties.delete(id);
    if (kind === 'key') this.keys.delete(id);
  }

  /** Tells every gateway process (this one included) that these parties or keys changed. */
  async announce(changes: string[]): Promise<void> {
    for (const c of changes) await this.redis.publish(this.channel, c);
  }

  async party(partyId: string, now = Date.now()): Promise<PartyRecord | undefined> {
    const hit = this.parties.get(partyId, now);
    if (hit) return hit.value;
    const value = await findParty(this.pool, partyId);
    this.parties.set(partyId, value, now + (value ? registryCacheTtlMs : registryMissTtlMs));
    return value;
  }

  async key(keyId: string, now = Date.now()): Promise<KeyRecord | undefined> {
    const hit = this.keys.get(keyId, now);
    if (hit) return hit.value;
    const value = await findKey(this.pool, keyId);
    this.keys.set(keyId, value, now + (value ? registryCacheTtlMs : registryMissTtlMs));
    return value;
  }

  /** The issuer of a voucher's tree, once the view has seen it (a voucher never changes tree). */
  async issuerOf(voucherId: string, now = Date.now()): Promise<string | undefined> {
    const hit = this.issuers.get(voucherId, now);
    if (hit?.value) return hit.value;
    if (!isUuid(voucherId)) return undefined;
    const value = await new Promise<string | undefined>((resolve, reject) => {
      const waiting = this.issuerQueue.get(voucherId);
      if (waiting) waiting.push({ resolve, reject });
      else this.issuerQueue.set(voucherId, [{ resolve, reject }]);
      if (!this.issuerQueryRunning) void this.lookUpIssuers();
    });
    if (value) this.issuers.set(voucherId, value, Number.MAX_SAFE_INTEGER);
    return value;
  }

  /**
   * One query at a time for every voucher asked about meanwhile: under load, the lookups of many
   * concurrent requests share one round trip to PostgreSQL; alone, a lookup waits for nobody.
   */
  private async lookUpIssuers(): Promise<void> {
    this.issuerQueryRunning = true;
    try {
      while (this.issuerQueue.size > 0) {
        const batch = [...this.issuerQueue].slice(0, issuerLookupBatchMax);
        for (const [id] of batch) this.issuerQueue.delete(id);
        try {
          const found = await issuersOfVouchers(this.pool, batch.map(([id]) => id));
          for (const [id, waiting] of batch) for (const w of waiting) w.resolve(found.get(id));
        } catch (error) {
          for (const [, waiting] of batch) for (const w of waiting) w.reject(error as Error);
        }
      }
    } finally {
      this.issuerQueryRunning = false;
    }
  }
}
