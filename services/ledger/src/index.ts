export { definition } from './definition.ts';
export { writeDevGenesis, type DevGenesis } from './dev-genesis.ts';
export { LedgerKafkaClient, signSubmission, type SignedSubmission } from './kafka-client.ts';
export type { CommandResult } from './application/batch.ts';
