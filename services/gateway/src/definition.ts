/** What the gateway service is to the shared runtime: its name, schema, port and migrations. */
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@cascade/service';

export const definition: ServiceDefinition = {
  name: 'gateway',
  schema: 'gateway',
  portDefault: 3000,
  migrationsDirs: [fileURLToPath(new URL('../migrations', import.meta.url))],
  catalog: null,
  edge: true,
};
