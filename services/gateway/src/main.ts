/** Composition root of the gateway service. */
import { startService } from '@cascade/service';
import { definition } from './definition.ts';

await startService(definition);
