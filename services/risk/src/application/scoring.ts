/** Scoring an enterprise: its features from records and platform behaviour, then the scorecard. */
import { enterpriseFeatureLabels, enterpriseFeatures, type EnterpriseData } from '../domain/features.ts';
import { score, type ScoreResult, type Scorecard } from '../domain/scorecard.ts';
import { behaviourOf, type Db } from '../data-access/platform-view.ts';
import { latestRecords, relatedPartyCount } from '../data-access/records.ts';

export async function enterpriseData(db: Db, party: string, asOf: string): Promise<EnterpriseData> {
  const [records, behaviour, related] = [await latestRecords(db, party), await behaviourOf(db, party, asOf), await relatedPartyCount(db, party)];
  return { ...records, behaviour: { ...behaviour, relatedPartyCount: related } };
}

export async function featuresOf(db: Db, party: string, asOf: string): Promise<Record<string, number | string | null>> {
  return enterpriseFeatures(await enterpriseData(db, party, asOf), asOf);
}

export async function scoreEnterprise(db: Db, card: Scorecard, party: string, asOf: string): Promise<{ features: Record<string, number | string | null>; result: ScoreResult }> {
  const features = await featuresOf(db, party, asOf);
  return { features, result: score(card, features, enterpriseFeatureLabels) };
}
