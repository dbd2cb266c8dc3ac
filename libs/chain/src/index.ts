export * from './merkle.ts';
export * from './block.ts';
