/** Scoring an enterprise: its features from records and platform behaviour, then the scorecard. */
import { enterpriseFeatureLabels, enterpriseFeatures, type EnterpriseData } from '../domain/features.ts';
import { score, type ScoreResult, type Scorecard } from '../domain/scorecard.ts';
import { behaviourOf, type Db } from '../data-access/platform-view.ts';
import { latestRecords } from '../data-access/records.ts';

export async function enterpriseData(db: Db, party: string, asOf: string): Promise<EnterpriseData> {
  return { ...(await latestRecords(db, party)), behaviour: await behaviourOf(db, party, asOf) };
}

export async function featuresOf(db: Db, party: string, asOf: string): Promise<Record<string, number | string | null>> {
  return enterpriseFeatures(await enterpriseData(db, party, asOf), asOf);
}

export async function scoreEnterprise(db: Db, card: Scorecard, party: string, asOf: string): Promise<{ features: Record<string, number | string | null>; result: ScoreResult }> {
  const features = await featuresOf(db, party, asOf);
  return { features, result: score(card, features, enterpriseFeatureLabels) };
}
