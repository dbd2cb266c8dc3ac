/**
 * Discrimination figures of a model on labelled rows: AUC (the probability that a random bad
 * ranks above a random good, ties counting half), KS (the largest gap between the cumulative
 * shares of bads and goods) and Gini (2·AUC − 1).
 *
 * `riskiness` is higher for rows more likely bad (a PD, or minus a score).
 */
export interface Discrimination {
  auc: number;
  ks: number;
  gini: number;
  rows: number;
  bads: number;
  badRate: number;
}

function order(riskiness: ArrayLike<number>): number[] {
  const idx = Array.from({ length: riskiness.length }, (_, i) => i);
  return idx.sort((a, b) => riskiness[a]! - riskiness[b]! || a - b);
}

export function discrimination(riskiness: ArrayLike<number>, bad: ArrayLike<number>): Discrimination {
  const n = riskiness.length;
  if (bad.length !== n) throw new Error('discrimination: riskiness and labels differ in length');
  let bads = 0;
  for (let i = 0; i < n; i++) bads += bad[i] ? 1 : 0;
  const goods = n - bads;
  if (bads === 0 || goods === 0) throw new Error(`discrimination needs both classes (rows ${n}, bads ${bads})`);
  const sorted = order(riskiness);
  // Mann–Whitney: sum of the bads' mid-ranks.
  let rankSumBad = 0;
  let ks = 0;
  let cumBad = 0;
  let cumGood = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    let tieBads = 0;
    while (j < n && riskiness[sorted[j]!] === riskiness[sorted[i]!]) {
      if (bad[sorted[j]!]) tieBads += 1;
      j += 1;
    }
    const midRank = (i + 1 + j) / 2;
    rankSumBad += tieBads * midRank;
    cumBad += tieBads;
    cumGood += j - i - tieBads;
    ks = Math.max(ks, Math.abs(cumGood / goods - cumBad / bads));
    i = j;
  }
  const auc = (rankSumBad - (bads * (bads + 1)) / 2) / (bads * goods);
  return { auc, ks, gini: 2 * auc - 1, rows: n, bads, badRate: bads / n };
}
