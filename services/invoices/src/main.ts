/** Composition root of the invoices service. */
import { startService } from '@cascade/service';
import { definition } from './definition.ts';

await startService(definition);
