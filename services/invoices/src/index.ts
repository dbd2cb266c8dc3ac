export { definition } from './definition.ts';
export { invoicesCliCommands } from './entry-points/cli/index.ts';
export { invoicesRouteSchemas } from './entry-points/http/route-schemas.ts';
