export * from './pool.ts';
export * from './migrate.ts';
export * from './outbox.ts';
export * from './inbox.ts';
