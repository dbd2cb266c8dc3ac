/**
 * The caller of an internal route: the party the gateway named in its internal token
 * (`callerOf`), with the roles the ledger registered it with. Tenancy is decided from these.
 */
import type { FastifyRequest } from 'fastify';
import { Problem } from '@cascade/errors';
import { callerOf } from '@cascade/service';
import { partyRoles, type Db } from '../../data-access/platform-view.ts';
import { riskProblems } from '../../application/problems.ts';

export interface Caller {
  partyId: string;
  roles: string[];
  isRegulator: boolean;
  isOperator: boolean;
  isFunder: boolean;
}

export async function callerFrom(db: Db, request: FastifyRequest): Promise<Caller> {
  const partyId = callerOf(request);
  const roles = await partyRoles(db, partyId);
  if (!roles) throw new Problem(riskProblems.callerNotRegistered, `party ${partyId} is not registered`);
  return { partyId, roles, isRegulator: roles.includes('regulator'), isOperator: roles.includes('operator'), isFunder: roles.includes('funder') };
}

export function requireFunder(c: Caller): void {
  if (!c.isFunder) throw new Problem(riskProblems.funderRoleRequired, `${c.partyId} is not a funder`);
}

/** Enterprise data is fed by the platform operator (onboarding, data feeds) or the regulator. */
export function requireDataProvider(c: Caller): void {
  if (!c.isOperator && !c.isRegulator) throw new Problem(riskProblems.dataProviderRoleRequired, `${c.partyId} is neither the operator nor a regulator`);
}
