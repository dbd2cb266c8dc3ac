/**
 * Rewrites the command contract in docs/ledger.md from `renderCommandContract()`:
 *   npm run docs:ledger
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderCommandContract, withCommandContract } from '../src/domain/contract-docs.ts';

const docs = fileURLToPath(new URL('../../../docs/ledger.md', import.meta.url));
writeFileSync(docs, withCommandContract(readFileSync(docs, 'utf8'), renderCommandContract()));
console.log(`wrote the command contract into ${docs}`);
