/**
 * A consumer group made for one process (`ephemeralGroup`, the gateway's results and live-event
 * readers) is deleted from the real broker when the consumer stops; a shared group stays.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '@cascade/logging';
import { createTestTopics, infra } from '@cascade/testing';
import { BatchConsumer, createKafka, EventCatalog } from './index.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const catalog = new EventCatalog([{ type: 'ThingHappened', version: 1, schema: { type: 'object' } }]);
const kafka = createKafka({ brokers: infra().kafkaBrokers, clientId: 'ephemeral-group-test' });
const admin = kafka.admin();

afterAll(async () => {
  await admin.disconnect();
});

async function groups(): Promise<string[]> {
  return (await admin.listGroups()).groups.map((g) => g.groupId);
}

describe('BatchConsumer groups', () => {
  it('deletes an ephemeral group when it stops, and leaves a shared one', async () => {
    const topic = (await createTestTopics()).ledgerEvents.name;
    await admin.connect();
    const make = (groupId: string, ephemeralGroup: boolean) =>
      new BatchConsumer({ kafka, groupId, topics: [topic], catalog, logger, fromBeginning: false, sessionTimeoutMs: 6_000, ephemeralGroup, handleBatch: async () => undefined });
    const mine = make(`mine-${topic}`, true);
    const shared = make(`shared-${topic}`, false);
    await mine.start();
    await shared.start();
    expect(await groups()).toEqual(expect.arrayContaining([`mine-${topic}`, `shared-${topic}`]));
    await mine.stop();
    await shared.stop();
    const left = await groups();
    expect(left).not.toContain(`mine-${topic}`);
    expect(left).toContain(`shared-${topic}`);
    await admin.deleteGroups([`shared-${topic}`]);
  }, 60_000);
});
