/** Composition root of the workflows service. */
import { startService } from '@cascade/service';
import { definition } from './definition.ts';

await startService(definition);
