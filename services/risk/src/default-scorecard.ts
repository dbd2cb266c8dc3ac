/**
 * The scorecard the service ships with: trained on the repository's seeded synthetic credit
 * history, and reproducible from it (docs/risk.md, "The default scorecard"):
 *
 *   npm run cascade -- risk generate --out /tmp/synthetic.csv
 *   npm run cascade -- risk train /tmp/synthetic.csv --target defaulted \
 *     --description "<defaultScorecardDescription>" --out services/risk/scorecards/default.json
 *
 * A test trains it again and fails when the file and the code drift apart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertScorecard, type Scorecard } from './domain/scorecard.ts';

export const defaultScorecardFile = fileURLToPath(new URL('../scorecards/default.json', import.meta.url));

export const defaultScorecardDescription =
  "Default scorecard, trained on the repository's seeded synthetic credit history (cascade risk generate: 30,000 rows, seed 20260301), not on real defaults: replace it with one trained on your own labelled history before relying on its PDs.";

export function readScorecardFile(file: string): Scorecard {
  const card = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  assertScorecard(card);
  return card;
}
