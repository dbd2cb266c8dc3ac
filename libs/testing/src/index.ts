export * from './infra.ts';
export * from './local.ts';
export * from './fixtures.ts';
export * from './kafka/index.ts';
export * from './env.ts';
export * from './service-process.ts';
