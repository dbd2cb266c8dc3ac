export { definition } from './definition.ts';
export { workflowsRouteSchemas, workflowsProblems } from './entry-points/http/webhooks.ts';
export { registryRouteSchemas, registryRecordSchema } from './entry-points/http/registry.ts';
export { paymentsRouteSchemas, paymentsProblems } from './entry-points/http/payments.ts';
