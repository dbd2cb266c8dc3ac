/** Composition root of the risk service. */
import { startService } from '@cascade/service';
import { definition } from './definition.ts';

await startService(definition);
