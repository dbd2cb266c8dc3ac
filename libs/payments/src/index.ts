export * from './errors.ts';
export { escapeXml, characterCount } from './text.ts';
export * from './accounts.ts';
export * from './pain001.ts';
