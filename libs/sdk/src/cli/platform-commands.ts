/**
 * The cascade CLI's commands on the platform, through the gateway with the SDK: login, parties
 * and keys, the voucher's life, what a party sees, and proofs. Each takes `--profile NAME` (the
 * login it acts as), `--url URL` (the gateway, default the profile's) and `--json` (one JSON
 * document on stdout, for scripts). Exit codes: 0 done; 1 could not be done (the platform did not
 * answer, a proof did not verify); 2 a command line we cannot understand; 3 the platform refused
 * (its problem type and detail are printed); 4 not logged in, or the login expired.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { verifyProof, type InclusionProof } from '@cascade/chain';
import { exportPublicKey, importPublicKey, verifySignature } from '@cascade/crypto';
import { CascadeClient, CascadeProblem, CascadeUnavailable } from '../client/client.ts';
import { newVoucherId, publicKeyOf } from '../client/signing.ts';
import type { CommandAccepted, VoucherView } from '../contract/schemas.ts';
import type { CommandPayloads, CommandType, Role } from '../contract/commands.ts';
import { parseArgs, type FlagSpec } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand, type CliIo } from './io.ts';
import { NotLoggedIn, defaultUrl, profileName, removeProfile, saveProfile, session, signerFromKeyFile } from './profile.ts';
import { readLedgerKey } from './verify-proof.ts';

export const EXIT_REFUSED = 3;
export const EXIT_NOT_LOGGED_IN = 4;

export const common: FlagSpec = { profile: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' } };
const amountPattern = /^(0|[1-9][0-9]{0,14})\.[0-9]{2}$/;

export function amount(value: string | true | undefined, flag: string): string {
  if (typeof value !== 'string' || !amountPattern.test(value)) throw new UsageError(`--${flag} must be an amount with two decimals, e.g. 1000.00`);
  return value;
}
export function required(flags: Record<string, string | true>, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string') throw new UsageError(`--${name} is required`);
  return v;
}
export function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`give exactly one ${what}`);
  return positionals[0]!;
}

/** Runs a platform action and turns its failures into exit codes and messages a person can act on. */
export async function guarded(io: CliIo, json: boolean, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof CascadeProblem) {
      if (json) io.out(JSON.stringify({ error: error.problem }));
      io.err(`refused: ${error.problem.code} (${error.problem.type}, HTTP ${error.status}): ${error.problem.detail ?? error.problem.title}`);
      return error.code === 'tokenInvalid' ? EXIT_NOT_LOGGED_IN : EXIT_REFUSED;
    }
    if (error instanceof NotLoggedIn) {
      io.err(error.message);
      return EXIT_NOT_LOGGED_IN;
    }
    if (error instanceof CascadeUnavailable) {
      io.err(`the platform did not answer: ${error.message}`);
      return EXIT_FAILURE;
    }
    throw error;
  }
}

function printResult(io: CliIo, json: boolean, label: string, r: CommandAccepted, extra: Record<string, unknown> = {}): number {
  if (json) io.out(JSON.stringify({ ...r, ...extra }));
  else io.out(`${label}: accepted, operation ${r.opId} (seq ${r.seq}, block ${r.blockHeight})${Object.entries(extra).map(([k, v]) => `, ${k} ${String(v)}`).join('')}`);
  return EXIT_OK;
}

/** A command that signs one ledger command as the profile's party. */
function commandCli<T extends CommandType>(def: {
  path: string[];
  summary: string;
  usage: string;
  flags: FlagSpec;
  type: T;
  payload: (positionals: string[], flags: Record<string, string | true>, actor: string) => CommandPayloads[T];
  extra?: (payload: CommandPayloads[T]) => Record<string, unknown>;
}): CliCommand {
  return {
    path: def.path,
    summary: def.summary,
    usage: `${def.usage} [--profile NAME] [--url URL] [--json]`,
    async run(args, io) {
      const { flags, positionals } = parseArgs(args, { ...common, ...def.flags });
      const json = flags['json'] === true;
      return guarded(io, json, async () => {
        const { client, profile, signer } = session(flags);
        const payload = def.payload(positionals, flags, profile.partyId);
        const r = await client.command(def.type, profile.partyId, payload, [signer]);
        return printResult(io, json, def.path.join(' '), r, def.extra?.(payload) ?? {});
      });
    },
  };
}

const loginCommand: CliCommand = {
  path: ['login'],
  summary: 'log in by signing with a registered key; keeps the token in a profile (mode 0600)',
  usage: '--party ID --key PRIVATE_KEY.pem [--url URL] [--profile NAME] [--label TEXT] [--ttl SECONDS] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, party: { type: 'string' }, key: { type: 'string' }, label: { type: 'string' }, ttl: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const partyId = required(flags, 'party');
    const keyFile = path.resolve(required(flags, 'key'));
    const ttl = typeof flags['ttl'] === 'string' ? Number(flags['ttl']) : undefined;
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60)) throw new UsageError('--ttl must be a whole number of seconds, at least 60');
    const url = typeof flags['url'] === 'string' ? flags['url'] : defaultUrl;
    const json = flags['json'] === true;
    const signer = signerFromKeyFile(keyFile);
    return guarded(io, json, async () => {
      const client = new CascadeClient({ baseUrl: url });
      const r = await client.login(partyId, signer, { label: typeof flags['label'] === 'string' ? flags['label'] : `cli ${profileName(flags)}`, ...(ttl ? { ttlSeconds: ttl } : {}) });
      const file = saveProfile(profileName(flags), { url, partyId, token: r.token, tokenId: r.tokenId, expiresAt: r.expiresAt, keyFile });
      if (json) io.out(JSON.stringify({ partyId: r.partyId, roles: r.roles, tokenId: r.tokenId, expiresAt: r.expiresAt, profile: file }));
      else io.out(`logged in as ${r.partyId} (${r.roles.join(', ')}) until ${r.expiresAt}; token kept in ${file}`);
      return EXIT_OK;
    });
  },
};

const logoutCommand: CliCommand = {
  path: ['logout'],
  summary: "revoke the profile's token and forget it",
  usage: '[--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags } = parseArgs(args, common);
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client, profile } = session(flags);
      await client.revokeToken(profile.tokenId);
      removeProfile(profileName(flags));
      if (json) io.out(JSON.stringify({ revoked: profile.tokenId }));
      else io.out(`token ${profile.tokenId} revoked; profile ${profileName(flags)} removed`);
      return EXIT_OK;
    });
  },
};

const whoamiCommand: CliCommand = {
  path: ['whoami'],
  summary: 'the party, roles and keys of the profile',
  usage: '[--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags } = parseArgs(args, common);
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client, profile } = session(flags);
      const party = await client.getParty(profile.partyId);
      if (json) io.out(JSON.stringify(party));
      else {
        io.out(`${party.partyId} ${party.name} (${party.roles.join(', ')})`);
        for (const k of party.keys) io.out(`  key ${k.keyId}${k.revokedAt ? ` revoked ${k.revokedAt}` : ''}`);
      }
      return EXIT_OK;
    });
  },
};

const onboardCommand = commandCli({
  path: ['onboard'],
  summary: '(operator) register a party with its roles and public key',
  usage: '--party-id ID --name NAME --roles core,supplier,funder,regulator,operator --public-key PUB.pem|PRIVATE.pem [--uscc CODE]',
  flags: { 'party-id': { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' }, 'public-key': { type: 'string' }, uscc: { type: 'string' } },
  type: 'party.register',
  payload: (_p, flags) => {
    const roles = required(flags, 'roles').split(',') as Role[];
    for (const r of roles) if (!['core', 'supplier', 'funder', 'regulator', 'operator'].includes(r)) throw new UsageError(`unknown role ${r}`);
    const key = readLedgerKey(required(flags, 'public-key'));
    const partyId = required(flags, 'party-id');
    const uscc = typeof flags['uscc'] === 'string' ? flags['uscc'] : roles.some((r) => ['core', 'supplier', 'funder'].includes(r)) ? partyId : null;
    return { partyId, uscc, name: required(flags, 'name'), roles, publicKeys: [{ keyId: key.keyId, alg: key.alg, publicKey: exportPublicKey(key, 'hex') }] };
  },
});

const keysAddCommand = commandCli({
  path: ['keys', 'add'],
  summary: "register another key of the profile's party (rotation: add, then revoke the old one)",
  usage: '--public-key PUB.pem',
  flags: { 'public-key': { type: 'string' } },
  type: 'key.add',
  payload: (_p, flags) => {
    const key = readLedgerKey(required(flags, 'public-key'));
    return { key: { keyId: key.keyId, alg: key.alg, publicKey: exportPublicKey(key, 'hex') } };
  },
});

const keysRevokeCommand = commandCli({
  path: ['keys', 'revoke'],
  summary: "revoke one of the profile's party's keys",
  usage: '<keyId>',
  flags: {},
  type: 'key.revoke',
  payload: (p) => ({ keyId: one(p, 'key id') }),
});

function parseBacking(spec: string): { payableId: string; amount: string }[] {
  return spec.split(',').map((part) => {
    const i = part.lastIndexOf(':');
    if (i <= 0) throw new UsageError('--backing is PAYABLE_ID:AMOUNT[,PAYABLE_ID:AMOUNT…]');
    return { payableId: part.slice(0, i), amount: amount(part.slice(i + 1), 'backing') };
  });
}

const issueCommand = commandCli({
  path: ['issue'],
  summary: '(core) issue a voucher to a supplier against confirmed payables',
  usage: '--to PARTY --amount AMOUNT --maturity YYYY-MM-DD --backing PAYABLE:AMOUNT[,…] [--credit-line FUNDER] [--voucher-id UUID]',
  flags: { to: { type: 'string' }, amount: { type: 'string' }, maturity: { type: 'string' }, backing: { type: 'string' }, 'credit-line': { type: 'string' }, 'voucher-id': { type: 'string' } },
  type: 'voucher.issue',
  payload: (_p, flags) => ({
    voucherId: typeof flags['voucher-id'] === 'string' ? flags['voucher-id'] : newVoucherId(),
    holder: required(flags, 'to'),
    amount: amount(flags['amount'], 'amount'),
    maturityDate: required(flags, 'maturity'),
    backing: parseBacking(required(flags, 'backing')),
    ...(typeof flags['credit-line'] === 'string' ? { creditLineFunder: flags['credit-line'] } : {}),
  }),
  extra: (p) => ({ voucher: p.voucherId }),
});

const acceptCommand = commandCli({ path: ['accept'], summary: 'accept a voucher offered to you', usage: '<voucherId>', flags: {}, type: 'voucher.accept', payload: (p) => ({ voucherId: one(p, 'voucher id') }) });
const rejectCommand = commandCli({
  path: ['reject'],
  summary: 'reject a voucher offered to you (its value returns to the sender)',
  usage: '<voucherId> [--reason TEXT]',
  flags: { reason: { type: 'string' } },
  type: 'voucher.reject',
  payload: (p, flags) => ({ voucherId: one(p, 'voucher id'), ...(typeof flags['reason'] === 'string' ? { reason: flags['reason'] } : {}) }),
});

function transferCli(name: 'transfer' | 'split'): CliCommand {
  return commandCli({
    path: [name],
    summary: name === 'split' ? 'split a voucher: pieces to recipients, the rest kept (same as transfer with --keep)' : 'transfer a voucher, whole or in pieces, keeping an optional remainder',
    usage: '<voucherId> --to PARTY:AMOUNT[,PARTY:AMOUNT…] [--keep AMOUNT]',
    flags: { to: { type: 'string' }, keep: { type: 'string' } },
    type: 'voucher.transfer',
    payload: (p, flags) => {
      const pieces = required(flags, 'to').split(',').map((part) => {
        const i = part.lastIndexOf(':');
        if (i <= 0) throw new UsageError('--to is PARTY:AMOUNT[,PARTY:AMOUNT…]');
        return { childId: newVoucherId(), recipient: part.slice(0, i), amount: amount(part.slice(i + 1), 'to') };
      });
      return { voucherId: one(p, 'voucher id'), pieces, remainder: flags['keep'] === undefined ? null : { childId: newVoucherId(), amount: amount(flags['keep'], 'keep') } };
    },
    extra: (payload) => ({ pieces: payload.pieces.map((x) => `${x.childId}→${x.recipient}`).join(' ') + (payload.remainder ? ` kept ${payload.remainder.childId}` : '') }),
  });
}

const financeCommand = commandCli({
  path: ['finance'],
  summary: 'ask a funder to finance (discount) a voucher you hold',
  usage: '<voucherId> --funder PARTY --product ID --max-rate 0.05 --max-fees AMOUNT',
  flags: { funder: { type: 'string' }, product: { type: 'string' }, 'max-rate': { type: 'string' }, 'max-fees': { type: 'string' } },
  type: 'financing.request',
  payload: (p, flags) => ({ voucherId: one(p, 'voucher id'), funder: required(flags, 'funder'), productId: required(flags, 'product'), maxAnnualRate: required(flags, 'max-rate'), maxFees: amount(flags['max-fees'], 'max-fees') }),
});

const approveCommand = commandCli({
  path: ['approve'],
  summary: '(funder) approve a financing request: the voucher moves to you',
  usage: '<voucherId> --rate 0.0365 --fees AMOUNT',
  flags: { rate: { type: 'string' }, fees: { type: 'string' } },
  type: 'financing.approve',
  payload: (p, flags) => ({ voucherId: one(p, 'voucher id'), annualRate: required(flags, 'rate'), fees: amount(flags['fees'], 'fees') }),
});

const declineCommand = commandCli({
  path: ['decline'],
  summary: '(funder) reject a financing request',
  usage: '<voucherId> --reason TEXT',
  flags: { reason: { type: 'string' } },
  type: 'financing.reject',
  payload: (p, flags) => ({ voucherId: one(p, 'voucher id'), reason: required(flags, 'reason') }),
});

const settleCommand = commandCli({
  path: ['settle'],
  summary: '(core) settle a tree at or after maturity against a payment',
  usage: '<rootId> --payment-ref REF --amount AMOUNT',
  flags: { 'payment-ref': { type: 'string' }, amount: { type: 'string' } },
  type: 'voucher.settle',
  payload: (p, flags) => ({ rootId: one(p, 'root voucher id'), paymentReference: required(flags, 'payment-ref'), paidAmount: amount(flags['amount'], 'amount') }),
});

/** The visible tree as text: one line per voucher, children indented under their parent. */
export function renderTree(nodes: VoucherView[], viewer: string): string[] {
  const children = new Map<string | null, VoucherView[]>();
  const ids = new Set(nodes.map((n) => n.voucherId));
  for (const n of nodes) {
    const parent = n.parentId !== null && ids.has(n.parentId) ? n.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), n]);
  }
  const who = (p: string | null) => (p === null ? '(hidden)' : p === viewer ? 'me' : p);
  const line = (n: VoucherView) => `${n.amount.padStart(15)}  ${n.status.padEnd(18)} tier ${n.tier}  holder ${who(n.holder)}  ${n.voucherId}`;
  const out: string[] = [];
  const walk = (n: VoucherView, prefix: string, last: boolean, top: boolean) => {
    out.push(top ? line(n) : `${prefix}${last ? '└── ' : '├── '}${line(n)}`);
    const kids = children.get(n.voucherId) ?? [];
    kids.forEach((k, i) => walk(k, top ? '' : `${prefix}${last ? '    ' : '│   '}`, i === kids.length - 1, false));
  };
  for (const r of children.get(null) ?? []) walk(r, '', true, true);
  return out;
}

const treeCommand: CliCommand = {
  path: ['tree'],
  summary: "show a voucher's tree as you may see it, as a text tree",
  usage: '<voucherId> [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, common);
    const id = one(positionals, 'voucher id');
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client, profile } = session(flags);
      const tree = await client.getVoucherTree(id);
      if (json) io.out(JSON.stringify(tree));
      else for (const l of renderTree(tree.nodes, profile.partyId)) io.out(l);
      return EXIT_OK;
    });
  },
};

const vouchersCommand: CliCommand = {
  path: ['vouchers'],
  summary: 'list your vouchers (holder, issuer or either), by status',
  usage: '[--role holder|issuer|any] [--status STATUS] [--limit N] [--after CURSOR] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags } = parseArgs(args, { ...common, role: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, after: { type: 'string' } });
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client, profile } = session(flags);
      const page = await client.listVouchers({
        ...(typeof flags['role'] === 'string' ? { role: flags['role'] as 'holder' } : {}),
        ...(typeof flags['status'] === 'string' ? { status: flags['status'] } : {}),
        ...(typeof flags['limit'] === 'string' ? { limit: Number(flags['limit']) } : {}),
        ...(typeof flags['after'] === 'string' ? { after: flags['after'] } : {}),
      });
      if (json) io.out(JSON.stringify(page));
      else {
        for (const v of page.items) io.out(`${v.voucherId}  ${v.amount.padStart(15)}  ${v.status.padEnd(18)} matures ${v.maturityDate}  issuer ${v.issuer === profile.partyId ? 'me' : v.issuer}`);
        if (page.next) io.out(`more: --after ${page.next}`);
      }
      return EXIT_OK;
    });
  },
};

const balancesCommand: CliCommand = {
  path: ['balances'],
  summary: "a party's double-entry balances (yours unless you are the regulator)",
  usage: '[partyId] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, common);
    if (positionals.length > 1) throw new UsageError('give at most one party id');
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client, profile } = session(flags);
      const b = await client.getBalances(positionals[0] ?? profile.partyId);
      if (json) io.out(JSON.stringify(b));
      else for (const x of b.balances) io.out(`${x.account.padEnd(60)} ${x.currency} ${x.amount.padStart(18)}`);
      return EXIT_OK;
    });
  },
};

const proofCommand: CliCommand = {
  path: ['proof'],
  summary: "fetch an operation's inclusion proof through the gateway and verify it offline",
  usage: '<opId> [--out FILE] [--key PEM|alg:hex] [--profile NAME] [--url URL] [--json]',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { ...common, out: { type: 'string' }, key: { type: 'string' } });
    const opId = one(positionals, 'operation id');
    const json = flags['json'] === true;
    return guarded(io, json, async () => {
      const { client } = session(flags);
      const proof = (await client.getProof(opId)) as unknown as InclusionProof;
      const chain = await client.chain();
      // The ledger key: given, or the one the gateway names (compare it with your genesis copy).
      const key = typeof flags['key'] === 'string' ? readLedgerKey(flags['key']) : importPublicKey({ format: 'hex', alg: chain.ledgerKey.alg as 'ed25519', hex: chain.ledgerKey.publicKey });
      const out = typeof flags['out'] === 'string' ? flags['out'] : `proof-${opId}.json`;
      writeFileSync(out, `${JSON.stringify(proof, null, 2)}\n`);
      const verdict = verifyProof(proof, (m, s) => s.alg === key.alg && verifySignature(key.alg, key.raw, m, s.sig));
      if (json) io.out(JSON.stringify({ opId, file: out, ok: verdict.ok, ...(verdict.ok ? {} : { reason: verdict.reason }), block: proof.block.header.height, ledgerKey: key.keyId }));
      if (!verdict.ok) {
        io.err(`INVALID: ${verdict.reason}`);
        return EXIT_FAILURE;
      }
      if (!json) io.out(`OK: operation ${opId} is in block ${proof.block.header.height} of chain ${proof.block.header.chainId}, signed by ${key.keyId}; proof written to ${out}`);
      return EXIT_OK;
    });
  },
};

export const platformCommands: readonly CliCommand[] = [
  loginCommand,
  logoutCommand,
  whoamiCommand,
  onboardCommand,
  keysAddCommand,
  keysRevokeCommand,
  issueCommand,
  acceptCommand,
  rejectCommand,
  transferCli('transfer'),
  transferCli('split'),
  financeCommand,
  approveCommand,
  declineCommand,
  settleCommand,
  treeCommand,
  vouchersCommand,
  balancesCommand,
  proofCommand,
];
void publicKeyOf;
