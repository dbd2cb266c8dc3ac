export { definition } from './definition.ts';
export { riskCliCommands } from './entry-points/cli/index.ts';
