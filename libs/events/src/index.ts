export * from './envelope.ts';
export * from './kafka.ts';
export * from './topics.ts';
export * from './schemas/ledger.ts';
export * from './split.ts';
export * from './facts.ts';
export * from './schemas/risk.ts';
