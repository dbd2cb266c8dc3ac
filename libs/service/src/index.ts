export * from './http.ts';
export * from './lifecycle.ts';
export * from './platform.ts';
export * from './start.ts';
export * from './internal-auth.ts';
