/**
 * Which Kafka key a command for the ledger gets on `ledger.commands`: the one place that says
 * it, for the gateway and every other sender. DESIGN §5: commands that change vouchers are keyed
 * by the tree's issuer (the core enterprise), so a tree, its issuer's credit lines and its
 * payables share one partition and one writer; registry commands (parties, keys, policy) share
 * the key `parties`. The ledger's single writer today does not depend on keys; its scale-out will.
 */

/** The key of every registry command: parties, keys and policy are sequenced once, together. */
export const registryCommandKey = 'parties';

const registryCommandTypes = new Set(['party.register', 'key.add', 'key.revoke', 'policy.change']);

interface KeyedCommand {
  type: string;
  actor: string;
  payload: Record<string, unknown>;
}

/**
 * The voucher whose tree a command acts on (its issuer is the key), or null when the command
 * names its issuer itself (an issue, a credit line) or is a registry command.
 */
export function voucherOfCommand(command: KeyedCommand): string | null {
  if (registryCommandTypes.has(command.type) || command.type === 'voucher.issue' || command.type === 'creditLine.set') return null;
  const p = command.payload;
  const id = typeof p.voucherId === 'string' ? p.voucherId : typeof p.rootId === 'string' ? p.rootId : null;
  return id;
}

/**
 * The Kafka key of a command. `treeIssuer` is the issuer of the tree `voucherOfCommand` names,
 * when the sender knows it; a command on a voucher nobody knows yet falls back to that voucher's
 * id (the ledger will refuse it as unknown, wherever it lands).
 */
export function ledgerCommandKey(command: KeyedCommand, treeIssuer: string | undefined): string {
  if (registryCommandTypes.has(command.type)) return registryCommandKey;
  if (command.type === 'voucher.issue') return command.actor;
  if (command.type === 'creditLine.set') return typeof command.payload.issuer === 'string' ? command.payload.issuer : command.actor;
  if (treeIssuer !== undefined) return treeIssuer;
  return voucherOfCommand(command) ?? command.actor;
}
