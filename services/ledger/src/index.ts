export { definition } from './definition.ts';
export { writeDevGenesis, type DevGenesis } from './dev-genesis.ts';
export { LedgerKafkaClient, signSubmission, type SignedSubmission } from './kafka-client.ts';
export type { CommandResult } from './application/batch.ts';
export { LedgerWriter, type Genesis } from './application/writer.ts';
export { replayLog, stateDifference } from './application/replay.ts';
export { PostgresLedgerStore } from './data-access/store.ts';
export { blockSigner } from './config.ts';
export const ledgerMigrationsDir = new URL('../migrations', import.meta.url).pathname;
