/**
 * `@cascade/sdk/client`: the browser-safe SDK — the typed client, command signing, and the
 * contract's types. Nothing here imports a node:* module (test/browser-bundle.test.ts proves it
 * on an esbuild bundle and runs that bundle in Chromium).
 */
export { CascadeClient, CascadeProblem, CascadeUnavailable, type ClientOptions, type CommandOptions, type ImportBody, type RequestOptions } from './client.ts';
export { readEventStream, SseParser, type LiveEventData, type StreamedEvent } from './events.ts';
export { generateSigner, newNonce, newVoucherId, publicKeyOf, signCommand, signCommandAsync, signerFromRawKey, type AnySigner, type AsyncSigner, type Signer } from './signing.ts';
export { blockSignatureValid, blocksPageSize, headerHashHex, HeaderChainVerifier, verifyChainHeaders, type ChainHeadersProblem, type ChainHeadersProblemCode, type ChainHeadersVerdict, type SealedBlockView } from './chain-verify.ts';
export { operations, commandOperation, pathOf, type OperationId } from '../contract/operations.ts';
export type * from '../contract/commands.ts';
export type * from '../contract/schemas.ts';
export type * from '../contract/services.ts';
export type * from '../contract/payments.ts';
