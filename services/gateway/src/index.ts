export { definition } from './definition.ts';
export { composeGateway, type GatewayPlatform } from './compose.ts';
export { gatewaySettings, type GatewayConfig } from './config.ts';
export { gatewayRoutes } from './routes.ts';
export { gatewayProblems } from './problems.ts';
export { checkSignatures, checkChainAndTime, type SignedBody } from './edge/command-checks.ts';
export { RegistryView } from './edge/registry-view.ts';
export type { RouteDefinition, RouteTable, Access } from './route-table.ts';
