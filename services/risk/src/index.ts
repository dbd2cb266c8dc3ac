export { definition } from './definition.ts';
export { riskCliCommands } from './entry-points/cli/index.ts';
export { riskRouteSchemas } from './entry-points/http/schemas.ts';
