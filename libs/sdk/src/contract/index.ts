/**
 * `@cascade/sdk/contract`: the public API's contract — operations, command types and the JSON
 * Schemas of requests and responses — shared by the gateway (which serves it) and the SDK.
 */
export * from './commands.ts';
export * from './operations.ts';
export * from './schemas.ts';
export type * from './services.ts';
export type * from './payments.ts';
