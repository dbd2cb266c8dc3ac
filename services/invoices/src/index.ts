export { definition } from './definition.ts';
export { invoicesCliCommands } from './entry-points/cli/index.ts';
