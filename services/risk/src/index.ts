export { definition } from './definition.ts';
export { riskCliCommands } from './entry-points/cli/index.ts';
export { importBodyBytesMax as riskImportBodyBytesMax, riskRouteSchemas } from './entry-points/http/schemas.ts';
