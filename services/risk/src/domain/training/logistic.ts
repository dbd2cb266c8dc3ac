/**
 * L2-regularised logistic regression fitted by Newton–Raphson (iteratively reweighted least
 * squares). The linear solve of each step is ml-matrix's Cholesky decomposition.
 *
 * Why not a logistic-regression package: the maintained npm ones (ml-logistic-regression and the
 * like) run plain gradient descent for a fixed number of steps with a learning rate, have no
 * penalty and no convergence test, so the answer depends on tuning and is not the maximum of
 * the likelihood. Newton's method on this problem (a few dozen WOE columns, tens of thousands of
 * rows) converges in under ten steps to the penalised maximum, deterministically, and is a page
 * of code: accumulating XᵀWX, one solve, a step-halving guard.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  iterations: number;
  converged: boolean;
  logLikelihood: number;
}

export interface LogisticOptions {
  /** Penalty λ on the squared coefficients (not on the intercept). */
  l2: number;
  iterationsMax?: number;
  /** Converged when no parameter moves by more than this in a step. */
  tolerance?: number;
}

export const newtonIterationsMaxDefault = 50;
const stepHalvingsMax = 30;

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Penalised log-likelihood of β = [intercept, ...coefficients]. */
function objective(columns: readonly Float64Array[], y: ArrayLike<number>, beta: readonly number[], l2: number): number {
  const n = y.length;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let eta = beta[0]!;
    for (let j = 0; j < columns.length; j++) eta += beta[j + 1]! * columns[j]![i]!;
    // log(1 + e^eta) computed without overflow.
    const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    ll += (y[i] ? eta : 0) - softplus;
  }
  let penalty = 0;
  for (let j = 1; j < beta.length; j++) penalty += beta[j]! * beta[j]!;
  return ll - (l2 / 2) * penalty;
}

/**
 * Fits P(y = 1) = σ(b₀ + Σ bⱼ xⱼ). `columns[j][i]` is feature j of row i; `y[i]` is 0 or 1.
 */
export function fitLogistic(columns: readonly Float64Array[], y: ArrayLike<number>, options: LogisticOptions): LogisticFit {
  const n = y.length;
  const p = columns.length + 1;
  for (const c of columns) if (c.length !== n) throw new Error('fitLogistic: every column needs one value per row');
  const iterationsMax = options.iterationsMax ?? newtonIterationsMaxDefault;
  const tolerance = options.tolerance ?? 1e-8;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i] ? 1 : 0;
  if (positives === 0 || positives === n) throw new Error('fitLogistic needs rows of both classes');
  // Start at the base rate: the intercept-only maximum.
  let beta = new Array<number>(p).fill(0);
  beta[0] = Math.log(positives / (n - positives));
  let current = objective(columns, y, beta, options.l2);
  const x = (i: number, j: number): number => (j === 0 ? 1 : columns[j - 1]![i]!);
  for (let iteration = 1; iteration <= iterationsMax; iteration++) {
    const gradient = new Float64Array(p);
    const hessian = new Float64Array(p * p);
    const row = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      let eta = beta[0]!;
      for (let j = 1; j < p; j++) eta += beta[j]! * columns[j - 1]![i]!;
      const mu = sigmoid(eta);
      const w = Math.max(mu * (1 - mu), 1e-12);
      const r = (y[i] ? 1 : 0) - mu;
      for (let j = 0; j < p; j++) row[j] = x(i, j);
      for (let j = 0; j < p; j++) {
        gradient[j]! += row[j]! * r;
        const wr = w * row[j]!;
        for (let k = j; k < p; k++) hessian[j * p + k]! += wr * row[k]!;
      }
    }
    for (let j = 1; j < p; j++) {
      gradient[j]! -= options.l2 * beta[j]!;
      hessian[j * p + j]! += options.l2;
    }
    const h = Matrix.zeros(p, p);
    for (let j = 0; j < p; j++) for (let k = j; k < p; k++) {
      h.set(j, k, hessian[j * p + k]!);
      h.set(k, j, hessian[j * p + k]!);
    }
    const cholesky = new CholeskyDecomposition(h);
    if (!cholesky.isPositiveDefinite()) throw new Error('fitLogistic: the Hessian is not positive definite (add l2 or drop a constant column)');
    const step = cholesky.solve(Matrix.columnVector(Array.from(gradient))).to1DArray();
    // Newton's step can overshoot far from the optimum; halve it until the objective improves.
    let scale = 1;
    let next = beta.map((b, j) => b + step[j]!);
    let value = objective(columns, y, next, options.l2);
    for (let halvings = 0; value < current - 1e-12 && halvings < stepHalvingsMax; halvings++) {
      scale /= 2;
      next = beta.map((b, j) => b + scale * step[j]!);
      value = objective(columns, y, next, options.l2);
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)));
    beta = next;
    current = value;
    if (moved < tolerance) return { intercept: beta[0]!, coefficients: beta.slice(1), iterations: iteration, converged: true, logLikelihood: current };
  }
  return { intercept: beta[0]!, coefficients: beta.slice(1), iterations: iterationsMax, converged: false, logLikelihood: current };
}
