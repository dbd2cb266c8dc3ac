/**
 * Every Kafka topic the platform uses, with its partition count, in one place.
 *
 * Partition counts bound the parallelism of each consumer group: the ledger intake runs one
 * writer per partition of `ledger.commands`, so its count is the ledger's scale-out limit.
 */
export interface TopicSpec {
  name: string;
  partitions: number;
  doc: string;
}

export const topics = {
  ledgerCommands: { name: 'ledger.commands', partitions: 12, doc: 'signed commands for the ledger, keyed by root voucher id (issue: by issuer)' },
  ledgerResults: { name: 'ledger.results', partitions: 6, doc: 'the outcome of every ledger command, keyed by command nonce' },
  ledgerEvents: { name: 'ledger.events', partitions: 12, doc: 'facts the ledger committed, keyed by root voucher id or party id' },
  ledgerDeadLetter: { name: 'ledger.deadletter', partitions: 1, doc: 'messages the ledger intake could not read (not JSON, duplicate keys, not an envelope, too large), with the reason and their topic/partition/offset' },
  invoicesEvents: { name: 'invoices.events', partitions: 6, doc: 'facts of the invoices service (payables confirmed, invoices registered)' },
  riskEvents: { name: 'risk.events', partitions: 6, doc: 'facts of the risk service (assessments, alerts)' },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof topics;

export function allTopics(): TopicSpec[] {
  return Object.values(topics);
}

/**
 * Tests run many files against one broker; each file prefixes its topics so files never see
 * each other's messages.
 */
export function prefixedTopics(prefix: string): Record<TopicKey, TopicSpec> {
  const out = {} as Record<TopicKey, TopicSpec>;
  for (const [key, spec] of Object.entries(topics) as [TopicKey, TopicSpec][]) {
    out[key] = { ...spec, name: prefix ? `${prefix}.${spec.name}` : spec.name };
  }
  return out;
}
