/**
 * The demo scenario of DESIGN §1, run by `infra/cascade up` against the running services:
 * a core enterprise issues a voucher against a confirmed payable, the tier-1 supplier splits it
 * and passes a piece to its own supplier, who discounts it at a bank; then everyone looks at what
 * they may see, and the chain is verified and an operation proven offline.
 *
 * Commands travel as the gateway will send them: signed, on Kafka `ledger.commands`; results come
 * back on `ledger.results`. Settlement needs the maturity date to have come, so the demo shows
 * the settlement it would make rather than waiting months (the tests settle with a moved clock).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPublicKey, generateKeyPair, type PrivateKey } from '@cascade/crypto';
import { createKafka } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { LedgerKafkaClient, signSubmission, type CommandResult, type DevGenesis } from '@cascade/ledger';
import { internalIdentityHeader, signInternalToken } from '@cascade/service';

export interface DemoContext {
  services: readonly { name: string; port: number }[];
  log: (message: string) => void;
  kafkaBrokers: string[];
  databaseUrl: string;
  dev: DevGenesis;
  root: string;
  /** The key internal services check the caller's token with (until the gateway fronts the demo). */
  internalAuthKeyFile: string;
}

interface Party {
  partyId: string;
  name: string;
  key: PrivateKey;
}

function addMonths(months: number): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export async function runDemo(ctx: DemoContext): Promise<void> {
  const { log } = ctx;
  log('\nHealth: each service reports its dependencies');
  for (const svc of ctx.services) {
    const res = await fetch(`http://127.0.0.1:${svc.port}/ready`);
    const body = (await res.json()) as { checks?: Record<string, string> };
    log(`  ${svc.name.padEnd(9)} ${res.status} ${JSON.stringify(body.checks)}`);
  }

  const client = new LedgerKafkaClient(createKafka({ brokers: ctx.kafkaBrokers, clientId: 'demo' }), { groupId: `demo-${randomUUID()}`, logger: createLogger({ service: 'demo', level: 'silent' }) });
  await client.start();
  const seed = Math.floor(Date.now() / 1000) % 90_000_000;
  const mk = (i: number, name: string, alg: 'ed25519' | 'sm2' = 'ed25519'): Party => ({ partyId: usccFromNumber(seed * 10 + i), name, key: generateKeyPair(alg).privateKey });
  const operator = { partyId: ctx.dev.genesis.operator.partyId, key: ctx.dev.operatorKey };
  const core = mk(1, '华东汽车集团 (core enterprise)');
  const tier1 = mk(2, '苏州精密部件 (tier-1 supplier)');
  const tier2 = mk(3, '无锡紧固件厂 (tier-2 supplier, signs with SM2)', 'sm2');
  const bank = mk(4, '江南银行 (funder)');
  const regulator = { ...mk(5, 'Regulator'), partyId: `regulator-${seed}` };

  const step = async (label: string, type: string, actor: { partyId: string; key: PrivateKey }, payload: Record<string, unknown>, key: string): Promise<CommandResult> => {
    const command = { type, chain: ctx.dev.genesis.chainId, actor: actor.partyId, nonce: randomUUID(), createdAt: new Date().toISOString(), payload };
    const started = performance.now();
    const r = await client.sendAndWait(signSubmission(command, [actor.key], key), 30_000);
    const ms = (performance.now() - started).toFixed(0);
    if (r.status !== 'accepted') throw new Error(`${label} was refused: ${r.problem?.code}: ${r.problem?.detail}`);
    log(`  ✓ ${label.padEnd(62)} seq ${String(r.seq).padStart(4)}  block ${String(r.blockHeight).padStart(3)}  ${ms} ms`);
    return r;
  };

  log('\nOnboarding (operator-signed party.register, each with its public key)');
  for (const [p, roles] of [
    [core, ['core']],
    [tier1, ['supplier']],
    [tier2, ['supplier']],
    [bank, ['funder']],
    [regulator, ['regulator']],
  ] as const) {
    await step(`register ${p.name}`, 'party.register', operator, {
      partyId: p.partyId,
      uscc: p === regulator ? null : p.partyId,
      name: p.name,
      roles,
      publicKeys: [{ keyId: p.key.keyId, alg: p.key.alg, publicKey: exportPublicKey(p.key, 'hex') }],
    }, 'parties');
  }

  log('\nTrade background: the core enterprise confirms a payable of 1,000,000.00 to its tier-1 supplier');
  const payableId = `AP-${seed}`;
  await client.confirmPayable({ payableId, debtor: core.partyId, creditor: tier1.partyId, amount: '1000000.00', invoices: ['3100231130-04561234'] }, { chain: ctx.dev.genesis.chainId, key: ctx.dev.invoicesKey });
  log(`  ✓ PayableConfirmed ${payableId} published on invoices.events`);
  await new Promise((r) => setTimeout(r, 500));

  const rootId = randomUUID();
  const piece = randomUUID();
  const kept = randomUUID();
  const maturity = addMonths(5);
  log(`\nThe voucher's life (maturity ${maturity})`);
  const issued = await step('core issues 1,000,000.00 to tier-1 against the payable', 'voucher.issue', core, { voucherId: rootId, holder: tier1.partyId, amount: '1000000.00', maturityDate: maturity, backing: [{ payableId, amount: '1000000.00' }] }, core.partyId);
  await step('tier-1 accepts', 'voucher.accept', tier1, { voucherId: rootId }, rootId);
  await step('tier-1 splits: 300,000.00 to tier-2, keeps 700,000.00', 'voucher.transfer', tier1, { voucherId: rootId, pieces: [{ childId: piece, recipient: tier2.partyId, amount: '300000.00' }], remainder: { childId: kept, amount: '700000.00' } }, rootId);
  await step('tier-2 accepts (SM2 signature)', 'voucher.accept', tier2, { voucherId: piece }, rootId);
  await step('tier-2 asks the bank to discount its piece', 'financing.request', tier2, { voucherId: piece, funder: bank.partyId, productId: 'DISCOUNT-90', maxAnnualRate: '0.05', maxFees: '300.00' }, rootId);
  const approved = await step('bank approves at 3.65 % a year, fees 150.00', 'financing.approve', bank, { voucherId: piece, annualRate: '0.0365', fees: '150.00' }, rootId);
  const financed = approved.events?.find((e) => e.type === 'VoucherFinanced');
  const terms = financed?.type === 'VoucherFinanced' ? financed.data.terms : undefined;
  if (!terms) throw new Error('financing approval carried no VoucherFinanced event');
  log(`    interest = 300,000.00 × 3.65 % × ${terms.days} days / 360 = ${terms.interest}; net paid to tier-2 = ${terms.net}`);

  const internalKey = Buffer.from(readFileSync(ctx.internalAuthKeyFile, 'utf8').trim(), 'hex');
  const read = async (party: string, url: string) =>
    (await (await fetch(`http://127.0.0.1:3001${url}`, { headers: { [internalIdentityHeader]: signInternalToken(internalKey, { sub: party, aud: 'ledger' }) } })).json()) as Record<string, unknown>;
  log('\nWho sees what (ledger read API, filtered per party)');
  const show = async (who: Party | typeof regulator, label: string) => {
    const tree = (await read(who.partyId, `/v1/vouchers/${piece}/tree`)) as { nodes?: { voucherId: string; amount: string; status: string; holder: string | null }[] };
    const nodes = (tree.nodes ?? []).map((n) => `${n.amount} ${n.status} held by ${n.holder === null ? '(hidden)' : n.holder === who.partyId ? 'me' : n.holder.slice(-6)}`);
    log(`  ${label.padEnd(10)} sees ${nodes.length} node(s): ${nodes.join('; ')}`);
  };
  await show(regulator, 'regulator');
  await show(core, 'issuer');
  await show(tier2, 'tier-2');
  const balances = (await read(bank.partyId, `/v1/parties/${bank.partyId}/balances`)) as { balances: { account: string; amount: string }[] };
  log(`  bank balances: ${balances.balances.map((b) => `${b.account.split(':')[0]} ${b.amount}`).join(', ')}`);

  log(`\nAt maturity the core pays 1,000,000.00 once: 700,000.00 to tier-1 and 300,000.00 to the bank (see services/ledger/test/lifecycle.test.ts)`);

  log('\nTamper evidence');
  const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', path.join(ctx.root, 'services/ledger/src/entry-points/cli/main.ts'), ...args], { cwd: ctx.root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: ctx.databaseUrl, LEDGER_GENESIS_FILE: ctx.dev.genesisFile } }).trim();
  log(`  $ cascade ledger verify\n    ${cli('ledger', 'verify')}`);
  const issueOp = issued.opId!;
  const proofFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'cascade-proof-')), 'issue-proof.json');
  log(`  $ cascade ledger proof ${issueOp} --out ${proofFile}\n    ${cli('ledger', 'proof', issueOp, '--out', proofFile)}`);
  log(`  $ cascade verify-proof ${proofFile} --key ed25519:<ledger public key>\n    ${cli('verify-proof', proofFile, '--key', `ed25519:${ctx.dev.genesis.ledgerKey.publicKey}`)}`);
  await client.stop();
}
