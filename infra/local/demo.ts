/**
 * The demo scenario of DESIGN §1, run by `infra/cascade up` against the running services, as an
 * enterprise's own software would run it: through the gateway, with the SDK. The operator logs in
 * with the key its genesis names and onboards a core enterprise, two tiers of suppliers, a bank
 * and a regulator; each logs in by signing with its own key (the tier-2 supplier with SM2); the
 * core enterprise issues a voucher against a confirmed payable, the tier-1 supplier splits it and
 * passes a piece on, the tier-2 supplier discounts it at the bank; then everyone looks at what they
 * may see through the gateway, and the chain is verified and a proof checked offline with the CLI.
 *
 * The payable confirmation is still a signed fact published on Kafka as the invoices service
 * will publish it (one function below, `confirmPayable`), until the invoices service's own API
 * lands. Settlement needs the maturity date to have come, so the demo shows the settlement it
 * would make rather than waiting months (the ledger's tests settle with a moved clock).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPrivateKey, generateKeyPair, type PrivateKey } from '@cascade/crypto';
import { createKafka } from '@cascade/events';
import { usccFromNumber } from '@cascade/ids';
import { createLogger } from '@cascade/logging';
import { LedgerKafkaClient, type DevGenesis } from '@cascade/ledger';
import { CascadeClient, newVoucherId, publicKeyOf, signerFromRawKey, type CommandAccepted, type CommandPayloads, type CommandType, type Role, type Signer } from '@cascade/sdk/client';

export interface DemoContext {
  services: readonly { name: string; port: number }[];
  log: (message: string) => void;
  kafkaBrokers: string[];
  databaseUrl: string;
  dev: DevGenesis;
  root: string;
  /** The gateway's base URL. */
  gatewayUrl: string;
}

interface Party {
  partyId: string;
  name: string;
  key: PrivateKey;
  signer: Signer;
  client: CascadeClient;
}

/** How long the demo waits for a fact it published to be visible through the gateway. */
const factVisibleWaitMs = 30_000;

function addMonths(months: number): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/**
 * The payable confirmation, isolated so it can be swapped for the invoices service's API: today a
 * PayableConfirmed fact signed with the invoices service's key from the dev genesis, published on
 * invoices.events exactly as that service will publish it.
 */
async function confirmPayable(ctx: DemoContext, fact: { payableId: string; debtor: string; creditor: string; amount: string; invoices: string[] }): Promise<void> {
  const kafka = new LedgerKafkaClient(createKafka({ brokers: ctx.kafkaBrokers, clientId: 'demo-invoices' }), { groupId: `demo-${randomUUID()}`, logger: createLogger({ service: 'demo', level: 'silent' }) });
  await kafka.start();
  try {
    await kafka.confirmPayable(fact, { chain: ctx.dev.genesis.chainId, key: ctx.dev.invoicesKey });
  } finally {
    await kafka.stop();
  }
}

export async function runDemo(ctx: DemoContext): Promise<void> {
  const { log } = ctx;
  log('\nHealth: each service reports its dependencies');
  for (const svc of ctx.services) {
    const res = await fetch(`http://127.0.0.1:${svc.port}/ready`);
    const body = (await res.json()) as { checks?: Record<string, string> };
    log(`  ${svc.name.padEnd(9)} ${res.status} ${JSON.stringify(body.checks)}`);
  }

  const gateway = new CascadeClient({ baseUrl: ctx.gatewayUrl });
  const chain = await gateway.chain();
  log(`\nThe gateway (${ctx.gatewayUrl}, OpenAPI at /v1/openapi.json, docs at /docs) serves chain ${chain.chainId}`);

  const seed = Math.floor(Date.now() / 1000) % 90_000_000;
  const operatorSigner = signerFromRawKey(ctx.dev.operatorKey.alg, exportPrivateKey(ctx.dev.operatorKey, 'raw'));
  const operatorClient = new CascadeClient({ baseUrl: ctx.gatewayUrl, chainId: chain.chainId });
  const operatorLogin = await operatorClient.login(ctx.dev.genesis.operator.partyId, operatorSigner, { label: 'demo' });
  log(`  ✓ operator logged in by signing a login with the genesis key ${operatorSigner.keyId} (token until ${operatorLogin.expiresAt})`);

  const mk = (i: number, name: string, alg: 'ed25519' | 'sm2' = 'ed25519', partyId = usccFromNumber(seed * 10 + i)): Party => {
    const key = generateKeyPair(alg).privateKey;
    return { partyId, name, key, signer: signerFromRawKey(alg, exportPrivateKey(key, 'raw')), client: new CascadeClient({ baseUrl: ctx.gatewayUrl, chainId: chain.chainId }) };
  };
  const core = mk(1, '华东汽车集团 (core enterprise)');
  const tier1 = mk(2, '苏州精密部件 (tier-1 supplier)');
  const tier2 = mk(3, '无锡紧固件厂 (tier-2 supplier, signs with SM2)', 'sm2');
  const bank = mk(4, '江南银行 (funder)');
  const regulator = mk(5, 'Regulator', 'ed25519', `regulator-${seed}`);

  const step = async <T extends CommandType>(label: string, who: Party, type: T, payload: CommandPayloads[T]): Promise<CommandAccepted> => {
    const started = performance.now();
    const r = await who.client.command(type, who.partyId, payload, [who.signer]);
    log(`  ✓ ${label.padEnd(62)} seq ${String(r.seq).padStart(4)}  block ${String(r.blockHeight).padStart(3)}  ${(performance.now() - started).toFixed(0)} ms`);
    return r;
  };

  log('\nOnboarding through the gateway (operator-signed party.register), then each party logs in with its own key');
  for (const [p, roles] of [
    [core, ['core']],
    [tier1, ['supplier']],
    [tier2, ['supplier']],
    [bank, ['funder']],
    [regulator, ['regulator']],
  ] as [Party, Role[]][]) {
    const started = performance.now();
    const r = await operatorClient.command('party.register', ctx.dev.genesis.operator.partyId, { partyId: p.partyId, uscc: p === regulator ? null : p.partyId, name: p.name, roles, publicKeys: [publicKeyOf(p.signer)] }, [operatorSigner]);
    await p.client.login(p.partyId, p.signer, { label: 'demo' });
    log(`  ✓ register and log in ${p.name.padEnd(42)} seq ${String(r.seq).padStart(4)}  ${(performance.now() - started).toFixed(0)} ms`);
  }

  log('\nTrade background: the core enterprise confirms a payable of 1,000,000.00 to its tier-1 supplier');
  const payableId = `AP-${seed}`;
  await confirmPayable(ctx, { payableId, debtor: core.partyId, creditor: tier1.partyId, amount: '1000000.00', invoices: ['3100231130-04561234'] });
  const deadline = Date.now() + factVisibleWaitMs;
  while (!(await core.client.listRecordedPayables({ role: 'debtor' })).items.some((p) => p.payableId === payableId)) {
    if (Date.now() > deadline) throw new Error(`payable ${payableId} not recorded by the ledger within ${factVisibleWaitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`  ✓ PayableConfirmed ${payableId} (signed by the invoices service key) recorded; the core enterprise sees it at GET /v1/payables`);

  const rootId = newVoucherId();
  const piece = newVoucherId();
  const kept = newVoucherId();
  const maturity = addMonths(5);
  log(`\nThe voucher's life, every step a signed command through the gateway (maturity ${maturity})`);
  const issued = await step('core issues 1,000,000.00 to tier-1 against the payable', core, 'voucher.issue', { voucherId: rootId, holder: tier1.partyId, amount: '1000000.00', maturityDate: maturity, backing: [{ payableId, amount: '1000000.00' }] });
  await step('tier-1 accepts', tier1, 'voucher.accept', { voucherId: rootId });
  await step('tier-1 splits: 300,000.00 to tier-2, keeps 700,000.00', tier1, 'voucher.transfer', { voucherId: rootId, pieces: [{ childId: piece, recipient: tier2.partyId, amount: '300000.00' }], remainder: { childId: kept, amount: '700000.00' } });
  await step('tier-2 accepts (SM2 signature)', tier2, 'voucher.accept', { voucherId: piece });
  await step('tier-2 asks the bank to discount its piece', tier2, 'financing.request', { voucherId: piece, funder: bank.partyId, productId: 'DISCOUNT-90', maxAnnualRate: '0.05', maxFees: '300.00' });
  const approved = await step('bank approves at 3.65 % a year, fees 150.00', bank, 'financing.approve', { voucherId: piece, annualRate: '0.0365', fees: '150.00' });
  const financed = (approved.events as { type: string; data: { terms?: { days: number; interest: string; net: string } } }[] | undefined)?.find((e) => e.type === 'VoucherFinanced');
  const terms = financed?.data.terms;
  if (!terms) throw new Error('financing approval carried no VoucherFinanced event');
  log(`    interest = 300,000.00 × 3.65 % × ${terms.days} days / 360 = ${terms.interest}; net paid to tier-2 = ${terms.net}`);

  log('\nWho sees what (GET /v1/vouchers/:id/tree through the gateway, each with its own token)');
  const show = async (who: Party, label: string) => {
    const tree = await who.client.getVoucherTree(piece);
    const nodes = tree.nodes.map((n) => `${n.amount} ${n.status} held by ${n.holder === null ? '(hidden)' : n.holder === who.partyId ? 'me' : n.holder.slice(-6)}`);
    log(`  ${label.padEnd(10)} sees ${nodes.length} node(s): ${nodes.join('; ')}`);
  };
  await show(regulator, 'regulator');
  await show(core, 'issuer');
  await show(tier2, 'tier-2');
  const hidden = await tier2.client.getVoucher(kept).then(() => 'visible (wrong!)', (e: Error) => e.message);
  log(`  tier-2 asking for tier-1's remainder: ${hidden}`);
  const balances = await bank.client.getBalances(bank.partyId);
  log(`  bank balances: ${balances.balances.map((b) => `${b.account.split(':')[0]} ${b.amount}`).join(', ')}`);

  log(`\nAt maturity the core pays 1,000,000.00 once: 700,000.00 to tier-1 and 300,000.00 to the bank (see services/ledger/test/lifecycle.test.ts)`);

  log('\nTamper evidence, with the cascade CLI');
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'cascade-demo-cli-'));
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', path.join(ctx.root, 'services/ledger/src/entry-points/cli/main.ts'), ...args], {
      cwd: ctx.root,
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: ctx.databaseUrl, LEDGER_GENESIS_FILE: ctx.dev.genesisFile, CASCADE_CONFIG_DIR: configDir },
    }).trim();
  log(`  $ cascade ledger verify\n    ${cli('ledger', 'verify')}`);
  const keyFile = path.join(configDir, 'tier1.key.pem');
  writeFileSync(keyFile, exportPrivateKey(tier1.key, 'pem'), { mode: 0o600 });
  log(`  $ cascade login --party ${tier1.partyId} --key tier1.key.pem --url ${ctx.gatewayUrl} --profile tier1\n    ${cli('login', '--party', tier1.partyId, '--key', keyFile, '--url', ctx.gatewayUrl, '--profile', 'tier1')}`);
  log(`  $ cascade tree ${rootId} --profile tier1\n${cli('tree', rootId, '--profile', 'tier1').split('\n').map((l) => `    ${l}`).join('\n')}`);
  const proofFile = path.join(configDir, 'issue-proof.json');
  log(`  $ cascade proof ${issued.opId} --out issue-proof.json --profile tier1\n    ${cli('proof', issued.opId, '--out', proofFile, '--profile', 'tier1')}`);
  log(`  $ cascade verify-proof issue-proof.json --key ed25519:<ledger public key from the genesis>\n    ${cli('verify-proof', proofFile, '--key', `ed25519:${ctx.dev.genesis.ledgerKey.publicKey}`)}`);
}
