export * from './rejections.ts';
export * from './values.ts';
export * from './records.ts';
export * from './four-flow.ts';
export * from './payable.ts';
export * from './usage.ts';
export * from './verification.ts';
export type * from './ports.ts';
