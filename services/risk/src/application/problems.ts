/**
 * Every refusal the risk service's API gives, with its HTTP status, in one table (problem types
 * `urn:cascade:problem:<kebab-code>`). The product-term codes come from domain/products.ts.
 */
import { defineProblems } from '@cascade/errors';
import { productRejectionCodes } from '../domain/products.ts';

export const riskProblems = defineProblems({
  callerNotRegistered: { title: 'The calling party is not registered on the ledger', status: 403 },
  funderRoleRequired: { title: 'Only a funder may do this', status: 403 },
  dataProviderRoleRequired: { title: 'Only the operator or the regulator may feed enterprise data', status: 403 },
  notYourEnterprise: { title: 'An enterprise sees only its own score (the regulator sees all)', status: 403 },
  voucherNotFound: { title: 'No such voucher visible to the caller', status: 404 },
  voucherNotFinanceable: { title: 'Only an active voucher can be matched to products', status: 409 },
  assessmentNotFound: { title: 'No such assessment visible to the caller', status: 404 },
  alertNotFound: { title: 'No such alert addressed to the caller', status: 404 },
  alertAlreadyAcknowledged: { title: 'The alert was acknowledged already', status: 409 },
  scorecardVersionUnknown: { title: 'The assessment names a scorecard version the service does not have', status: 409 },
  importRowsTooMany: { title: 'The import has more rows than one request may carry', status: 413 },
  importMalformed: { title: 'The import is not a CSV with a header row of the kind’s columns', status: 400 },
  amountRangeInverted: { title: productRejectionCodes.amountRangeInverted, status: 422 },
  tenorRangeInverted: { title: productRejectionCodes.tenorRangeInverted, status: 422 },
  feesNotBelowAmountMin: { title: productRejectionCodes.feesNotBelowAmountMin, status: 422 },
  dailyLimitBelowAmountMin: { title: productRejectionCodes.dailyLimitBelowAmountMin, status: 422 },
  productNotFound: { title: productRejectionCodes.productNotFound, status: 404 },
});
