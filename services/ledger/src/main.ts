/** Composition root of the ledger service. */
import { startService } from '@cascade/service';
import { definition } from './definition.ts';

await startService(definition);
