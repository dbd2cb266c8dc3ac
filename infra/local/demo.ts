/**
 * The demo scenario of DESIGN §1 (issue 12), run by `infra/cascade up` against the running services, as an
 * enterprise's own software would run it: through the gateway, with the SDK. The operator logs in
 * with the key its genesis names and onboards a core enterprise, three tiers of suppliers, a bank
 * and a regulator; each logs in by signing with its own key (the tier-2 supplier with SM2); the
 * tier-1 supplier records its trade with the core enterprise (a contract, a delivery and its
 * receipt, invoices) and the core enterprise confirms a payable on it — a signed command the
 * invoices service decides, scoring the four flows and publishing the signed fact the ledger
 * records. The operator feeds the core enterprise's registration, tax and credit data to the risk
 * service. The bank grants the core a credit line; the core issues a voucher on the payable and
 * the line, the tier-1 supplier passes 300,000.00 to tier 2, tier 2 passes 100,000.00 to tier 3;
 * the bank publishes a financing product, the tier-3 supplier sees which products fit its piece
 * and asks the bank to discount it, the bank reads the risk assessment (FinancingAssessed) and the
 * registry search before it approves. Every party registers its bank account, and the workflows
 * service writes the disbursement as a pain.001 file. Then the simulated clock (CASCADE_CLOCK_FILE,
 * libs/config/src/clock.ts) moves every process to the day after maturity: the core settles, the
 * payout file (issuer → each holder) is written, and the core's bank notification (camt.054) is
 * imported and matched. Everyone looks at what they may see; the tier-3 supplier's webhook shows
 * the events delivered to it, each signed; and the chain is verified and a proof checked offline
 * with the CLI.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clockFileRefreshMs, clockOf, writeClockOffset } from '@cascade/config';
import { exportPrivateKey, generateKeyPair, type PrivateKey } from '@cascade/crypto';
import { usccFromNumber } from '@cascade/ids';
import { buildCamt054Debits } from '@cascade/payments';
import type { DevGenesis } from '@cascade/ledger';
import { CascadeClient, newVoucherId, publicKeyOf, signerFromRawKey, type PaymentEntry, type CommandAccepted, type CommandPayloads, type CommandType, type Role, type Signer } from '@cascade/sdk/client';

export interface DemoContext {
  services: readonly { name: string; port: number }[];
  log: (message: string) => void;
  kafkaBrokers: string[];
  databaseUrl: string;
  dev: DevGenesis;
  root: string;
  /** The gateway's base URL. */
  gatewayUrl: string;
  /** The simulated clock's offset file the services read (CASCADE_CLOCK_FILE). */
  clockFile: string;
}

interface Party {
  partyId: string;
  name: string;
  key: PrivateKey;
  signer: Signer;
  client: CascadeClient;
}

/**
 * How long the demo waits for what one service learns from another's events (the ledger recording
 * a payable, the risk service seeing a voucher or assessing a request) to show through the gateway.
 */
const eventVisibleWaitMs = 30_000;

/** The calendar date `days` after the date `date` (YYYY-MM-DD). */
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Settlement accounts: CNAPS participant numbers (行号, 12 digits) and domestic account numbers. */
const bankAccounts = {
  core: { account: { number: '1001020309000012345' }, agent: { bankCode: '102290000012', name: '中国工商银行上海市分行' }, accountName: '华东汽车集团有限公司' },
  tier1: { account: { number: '6222020200010000001' }, agent: { bankCode: '105305000012', name: '中国建设银行苏州分行' }, accountName: '苏州精密部件有限公司' },
  tier2: { account: { number: '6228480400020000002' }, agent: { bankCode: '103302000013', name: '中国农业银行无锡分行' }, accountName: '无锡紧固件厂' },
  tier3: { account: { number: '6217850800030000003' }, agent: { bankCode: '104305000015', name: '中国银行常州分行' }, accountName: '常州冲压件有限公司' },
  bank: { account: { number: '3100000000400000004' }, agent: { bankCode: '313301099999', name: '江南银行清算中心' }, accountName: '江南银行股份有限公司' },
} as const;

function addMonths(months: number): string {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** The calendar date in Asia/Shanghai `days` days ago. */
function daysAgo(days: number): string {
  return new Date(Date.now() + 8 * 3600_000 - days * 86_400_000).toISOString().slice(0, 10);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Polls `probe` until it gives a value (an error counts as not yet), for at most eventVisibleWaitMs. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + eventVisibleWaitMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${eventVisibleWaitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
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

  // Every client signs createdAt by the simulated clock the services decide by (offset 0 until the demo moves it).
  const clock = clockOf(ctx.clockFile);
  const gateway = new CascadeClient({ baseUrl: ctx.gatewayUrl, now: clock });
  const chain = await gateway.chain();
  log(`\nThe gateway (${ctx.gatewayUrl}, OpenAPI at /v1/openapi.json, docs at /docs) serves chain ${chain.chainId}`);

  const seed = Math.floor(Date.now() / 1000) % 90_000_000;
  const operatorSigner = signerFromRawKey(ctx.dev.operatorKey.alg, exportPrivateKey(ctx.dev.operatorKey, 'raw'));
  const operatorClient = new CascadeClient({ baseUrl: ctx.gatewayUrl, chainId: chain.chainId, now: clock });
  const operatorLogin = await operatorClient.login(ctx.dev.genesis.operator.partyId, operatorSigner, { label: 'demo' });
  log(`  ✓ operator logged in by signing a login with the genesis key ${operatorSigner.keyId} (token until ${operatorLogin.expiresAt})`);

  const mk = (i: number, name: string, alg: 'ed25519' | 'sm2' = 'ed25519', partyId = usccFromNumber(seed * 10 + i)): Party => {
    const key = generateKeyPair(alg).privateKey;
    return { partyId, name, key, signer: signerFromRawKey(alg, exportPrivateKey(key, 'raw')), client: new CascadeClient({ baseUrl: ctx.gatewayUrl, chainId: chain.chainId, now: clock }) };
  };
  const core = mk(1, '华东汽车集团 (core enterprise)');
  const tier1 = mk(2, '苏州精密部件 (tier-1 supplier)');
  const tier2 = mk(3, '无锡紧固件厂 (tier-2 supplier, signs with SM2)', 'sm2');
  const tier3 = mk(6, '常州冲压件 (tier-3 supplier)');
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
    [tier3, ['supplier']],
    [bank, ['funder']],
    [regulator, ['regulator']],
  ] as [Party, Role[]][]) {
    const started = performance.now();
    const r = await operatorClient.command('party.register', ctx.dev.genesis.operator.partyId, { partyId: p.partyId, uscc: p === regulator ? null : p.partyId, name: p.name, roles, publicKeys: [publicKeyOf(p.signer)] }, [operatorSigner]);
    await p.client.login(p.partyId, p.signer, { label: 'demo' });
    log(`  ✓ register and log in ${p.name.padEnd(42)} seq ${String(r.seq).padStart(4)}  ${(performance.now() - started).toFixed(0)} ms`);
  }

  const timed = async <T>(label: string, action: () => Promise<T>, detail: (t: T) => string = () => ''): Promise<T> => {
    const started = performance.now();
    const t = await action();
    const extra = detail(t);
    log(`  ✓ ${label.padEnd(62)} ${(performance.now() - started).toFixed(0).padStart(4)} ms${extra ? `  ${extra}` : ''}`);
    return t;
  };

  log('\nTrade background (四流合一), recorded through the gateway (the invoices service answers)');
  const contract = await timed('tier-1 records its contract with the core: 1,130,000.00', () =>
    tier1.client.recordContract({ contractNumber: `HD-SZ-${seed}`, buyer: core.partyId, seller: tier1.partyId, amount: '1130000.00', signedOn: daysAgo(60), validUntil: null, documentHash: sha256(`contract ${seed}`), lines: [{ item: 'brake caliper BC-200', quantity: '5000', unit: 'piece' }] }),
  );
  await timed('tier-1 records the delivery, received in full by the core', () =>
    tier1.client.recordDelivery({ contractId: contract.contractId, deliveryNumber: `DN-${seed}`, shippedOn: daysAgo(40), receivedOn: daysAgo(38), receiver: '华东汽车 receiving dock 2', lines: [{ item: 'brake caliper BC-200', quantity: '5000', unit: 'piece' }] }),
  );
  const invoiceNo = String(seed % 100_000_000).padStart(8, '0');
  const classicInput = { code: '3100231130', number: invoiceNo, seller: tier1.partyId, buyer: core.partyId, amountExclTax: '619469.03', tax: '80530.97', total: '700000.00', issuedOn: daysAgo(35), documentHash: sha256(`invoice 1 ${seed}`), contractId: contract.contractId };
  const classic = await timed('tier-1 registers an invoice of 700,000.00 (增值税专用发票)', () => tier1.client.registerInvoice(classicInput), (i) => `key ${i.invoiceKey}`);
  const digital = await timed('tier-1 registers an invoice of 430,000.00 (数电票)', () =>
    tier1.client.registerInvoice({ code: null, number: `2531${String(seed).padStart(16, '0')}`, seller: tier1.partyId, buyer: core.partyId, amountExclTax: '380530.97', tax: '49469.03', total: '430000.00', issuedOn: daysAgo(35), documentHash: sha256(`invoice 2 ${seed}`), contractId: contract.contractId }),
    (i) => `key ${i.invoiceKey}`,
  );
  await timed('the core records a payment to tier-1 on an earlier order', () =>
    core.client.recordPayment({ payer: core.partyId, payee: tier1.partyId, amount: '130000.00', paidOn: daysAgo(20), bankReference: `ICBC-${seed}`, invoiceId: null }),
  );
  const again = await tier1.client.registerInvoice(classicInput).then(() => 'registered (wrong!)', (e: Error) => e.message);
  log(`    the same invoice registered again: ${again}`);

  log('\nThe core confirms a payable of 1,000,000.00 on both invoices: a signed payable.confirm through the gateway');
  const payableId = `AP-${seed}`;
  const payable = await timed('payable.confirm, decided by the invoices service', () =>
    core.client.confirmPayable(core.partyId, { payableId, payee: tier1.partyId, amount: '1000000.00', dueDate: addMonths(5), invoices: [{ invoiceId: classic.invoiceId, amount: '700000.00' }, { invoiceKey: digital.invoiceKey, amount: '300000.00' }] }, [core.signer]),
  );
  const flows = payable.fourFlow.flows;
  log(`    four-flow score ${payable.fourFlow.score}/100 (floor ${payable.fourFlow.floor}): contract ${flows.contract}, delivery ${flows.delivery}, payment ${flows.payment}, verification ${flows.verification} of 25`);
  for (const r of payable.fourFlow.reasons) log(`      −${r.points} ${r.code}: ${r.detail}`);
  await until('the ledger recording the payable', async () => ((await core.client.getPayable(payableId)).status === 'recorded' ? true : undefined));
  const ledgerView = (await core.client.listRecordedPayables({ role: 'debtor' })).items.find((p) => p.payableId === payableId);
  log(`  ✓ the invoices service signed PayableConfirmed; the ledger verified and recorded it (GET /v1/recorded-payables: ${ledgerView?.remaining} to issue)`);
  const usage = (await tier1.client.getInvoice(digital.invoiceId)).usage;
  log(`    invoice ${digital.invoiceKey}: ${usage.committed} committed to the payable, ${usage.remaining} left (一票一融)`);

  log('\nThe operator feeds the core enterprise’s data to the risk service (POST /v1/enterprise-records)');
  const observedAt = new Date(Date.now() - 3_600_000).toISOString();
  const taxMonths = Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.now() + 8 * 3600_000);
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - 1 - i);
    return d.toISOString().slice(0, 7);
  });
  const fed = await operatorClient.ingestEnterpriseRecords([
    { kind: 'registration', enterprise: core.partyId, source: 'gsxt-feed', observedAt, foundedOn: '2003-04-18', registeredCapital: '800000000.00', industryCode: 'C3670', legalRepresentative: '王建国', address: '上海市嘉定区安亭镇 1 号', status: 'active' },
    ...taxMonths.map((period) => ({ kind: 'tax', enterprise: core.partyId, source: 'tax-feed', observedAt, period, taxPaid: '4200000.00', invoiceCount: 850, invoiceAmount: '98000000.00', creditGrade: 'A' })),
    { kind: 'bureau', enterprise: core.partyId, source: 'pbc-credit-feed', observedAt, reportDate: daysAgo(10), overdueCount: 0, overdueAmount: '0.00' },
  ]);
  log(`  ✓ ${fed.rows} records (registration, 12 months of tax, a credit report): ${fed.created} created, ${fed.refused} refused`);
  const score = await core.client.getEnterpriseScore(core.partyId);
  log(`    the core reads its own score: ${score.score}, PD ${(score.pd * 100).toFixed(2)} %, grade ${score.grade}`);

  const rootId = newVoucherId();
  const piece = newVoucherId();
  const kept = newVoucherId();
  const piece3 = newVoucherId();
  const kept2 = newVoucherId();
  const maturity = addMonths(5);
  // Tier-3's own software listens for its events: the workflows service posts each one, signed.
  const hook = await webhookReceiver();
  const registered = await tier3.client.registerWebhook(hook.url);
  hook.secret = registered.secret;
  log(`\nTier-3 registers a webhook (POST /v1/webhooks → the workflows service): ${hook.url}; the signing secret is answered once`);

  log('\nThe bank grants the core enterprise a credit line (授信), a signed creditLine.set');
  await step('bank grants the core 5,000,000.00 for up to 180 days', bank, 'creditLine.set', { issuer: core.partyId, limit: '5000000.00', termDays: 180 });

  log(`\nThe voucher's life, every step a signed command through the gateway (maturity ${maturity})`);
  const issued = await step('core issues 1,000,000.00 to tier-1 on the payable and the line', core, 'voucher.issue', { voucherId: rootId, holder: tier1.partyId, amount: '1000000.00', maturityDate: maturity, backing: [{ payableId, amount: '1000000.00' }], creditLineFunder: bank.partyId });
  await step('tier-1 accepts', tier1, 'voucher.accept', { voucherId: rootId });
  await step('tier-1 splits: 300,000.00 to tier-2, keeps 700,000.00', tier1, 'voucher.transfer', { voucherId: rootId, pieces: [{ childId: piece, recipient: tier2.partyId, amount: '300000.00' }], remainder: { childId: kept, amount: '700000.00' } });
  await step('tier-2 accepts (SM2 signature)', tier2, 'voucher.accept', { voucherId: piece });
  await step('tier-2 splits: 100,000.00 to tier-3, keeps 200,000.00', tier2, 'voucher.transfer', { voucherId: piece, pieces: [{ childId: piece3, recipient: tier3.partyId, amount: '100000.00' }], remainder: { childId: kept2, amount: '200000.00' } });
  await step('tier-3 accepts', tier3, 'voucher.accept', { voucherId: piece3 });
  const line = (await bank.client.listCreditLines({ party: bank.partyId })).items.find((l) => l.issuer === core.partyId);
  log(`    the core's line at the bank: ${line?.used} used of ${line?.limit}`);

  log('\nEvery enterprise registers its settlement account (PUT /v1/bank-accounts/me, checked by libs/payments)');
  for (const [p, account] of [[core, bankAccounts.core], [tier1, bankAccounts.tier1], [tier2, bankAccounts.tier2], [tier3, bankAccounts.tier3], [bank, bankAccounts.bank]] as const) {
    const a = await p.client.registerBankAccount(account);
    log(`  ✓ ${p.name.padEnd(44)} ${a.agent && 'bankCode' in a.agent ? a.agent.bankCode : '?'} / ${'number' in a.account ? a.account.number : '?'}`);
  }

  log('\nFinancing: the bank publishes a product, tier-3 compares what fits, the risk service assesses the request');
  const product = await timed('bank publishes DISCOUNT-180 (3.65 %, fees 150.00, grades AAA–BB)', () =>
    bank.client.publishProduct('DISCOUNT-180', { name: '应收账款贴现 180 天', eligibleGrades: ['AAA', 'AA', 'A', 'BBB', 'BB'], eligibleIssuers: null, amountMin: '10000.00', amountMax: '5000000.00', tenorDaysMin: 7, tenorDaysMax: 180, annualRate: '0.0365', fees: '150.00', dailyLimit: '20000000.00' }),
  );
  const matching = await until('the risk service seeing tier-3’s piece', () => tier3.client.matchProducts(piece3, { maxAnnualRate: '0.05', maxFees: '300.00' }));
  log(`  ✓ tier-3 asks which products fit its piece (GET /v1/vouchers/:id/products; issuer grade ${matching.issuerGrade}):`);
  for (const e of matching.eligible) log(`      fits  ${e.productId} of ${e.funder === bank.partyId ? 'the bank' : `funder ${e.funder} (an earlier run's)`}: ${e.cost.days} days, interest ${e.cost.interest} + fees ${e.cost.fees} = ${e.cost.total}, net ${e.cost.net}`);
  for (const x of matching.ineligible) log(`      no    ${x.productId} of ${x.funder === bank.partyId ? 'the bank' : `funder ${x.funder}`}: ${x.reasons.map((r) => r.code).join(', ')}`);
  if (!matching.eligible.some((e) => e.funder === bank.partyId && e.productId === product.productId)) throw new Error(`the bank's product does not fit the piece: ${JSON.stringify(matching.ineligible)}`);
  await step('tier-3 asks the bank to discount its piece under DISCOUNT-180', tier3, 'financing.request', { voucherId: piece3, funder: bank.partyId, productId: product.productId, maxAnnualRate: '0.05', maxFees: '300.00' });
  const assessment = await until('FinancingAssessed for the request', async () => (await bank.client.listAssessments({ voucherId: piece3 })).items[0]);
  log(`  ✓ the bank reads the assessment (GET /v1/assessments?voucherId=…): ${assessment.result.decision.toUpperCase()}; issuer score ${assessment.result.score}, grade ${assessment.result.grade}`);
  for (const r of assessment.result.reasons.filter((x) => x.kind !== 'score')) log(`      ${r.kind}: ${r.text}`);
  if (assessment.result.terms) log(`      terms: interest ${assessment.result.terms.interest}, fees ${assessment.result.terms.fees}, net ${assessment.result.terms.net}`);
  if (assessment.result.decision === 'reject') throw new Error(`the risk service rejected the demo's financing: ${assessment.result.hardRules.join(', ')}`);
  const searched = await until('the financing registry search (中登网, the simulator here)', async () => {
    const r = await bank.client.getFinancingRegistry(piece3).catch(() => undefined);
    return r?.search.state === 'done' ? r : undefined;
  });
  log(`  ✓ the bank reads the registry search (GET /v1/financings/:id/registry): report ${searched.search.searchReportNumber}, ${searched.search.activeHits.length} registration(s) in force`);
  const approved = await step('bank approves at 3.65 % a year, fees 150.00', bank, 'financing.approve', { voucherId: piece3, annualRate: '0.0365', fees: '150.00' });
  const financed = (approved.events as { type: string; data: { terms?: { days: number; interest: string; net: string } } }[] | undefined)?.find((e) => e.type === 'VoucherFinanced');
  const terms = financed?.data.terms;
  if (!terms) throw new Error('financing approval carried no VoucherFinanced event');
  log(`    interest = 100,000.00 × 3.65 % × ${terms.days} days / 360 = ${terms.interest}; net paid to tier-3 = ${terms.net}`);
  const registryRecord = await until('the financing registered', async () => {
    const r = await bank.client.getFinancingRegistry(piece3);
    return r.registryStatus === 'registered' ? r : undefined;
  });
  log(`  ✓ registered as a transfer of the receivable: ${registryRecord.registration.registrationNumber}, in force until ${registryRecord.registration.expiresOn}`);

  const showFile = async (who: Party, what: string, pick: (e: PaymentEntry) => boolean) => {
    const file = await until(what, async () => (await who.client.listPaymentFiles()).files.find((f) => f.written && f.entries.some(pick)));
    const xml = await who.client.getPaymentFile(file.id);
    log(`  ✓ ${what}: ${file.fileName} (message id ${file.messageId}, ${file.transfers} transfer(s), control sum ${file.controlSum}, ${xml.length} bytes of pain.001.001.09)`);
    for (const e of file.entries) log(`      ${e.endToEndId}  ${nameOf(e.debtor)} → ${nameOf(e.creditor)}  ${e.amount}  (${e.kind}, ${e.reference})`);
    return file;
  };
  const nameOf = (partyId: string) => [core, tier1, tier2, tier3, bank].find((p) => p.partyId === partyId)?.name.split(' ')[0] ?? partyId;
  log('\nThe workflows service writes the disbursement (放款) as a pain.001 file for the bank to send (GET /v1/payment-files)');
  await showFile(bank, 'the disbursement file', (e) => e.kind === 'disbursement' && e.voucherId === piece3);

  log('\nWho sees what (GET /v1/vouchers/:id/tree through the gateway, each with its own token)');
  const show = async (who: Party, label: string) => {
    const tree = await who.client.getVoucherTree(piece);
    const nodes = tree.nodes.map((n) => `${n.amount} ${n.status} held by ${n.holder === null ? '(hidden)' : n.holder === who.partyId ? 'me' : n.holder.slice(-6)}`);
    log(`  ${label.padEnd(10)} sees ${nodes.length} node(s): ${nodes.join('; ')}`);
  };
  await show(regulator, 'regulator');
  await show(core, 'issuer');
  await show(tier2, 'tier-2');
  await show(tier3, 'tier-3');
  const hidden = await tier2.client.getVoucher(kept).then(() => 'visible (wrong!)', (e: Error) => e.message);
  log(`  tier-2 asking for tier-1's remainder: ${hidden}`);
  const afterFinancing = (await tier1.client.getInvoice(classic.invoiceId)).usage;
  log(`  tier-1's invoice ${classic.invoiceKey}: used ${afterFinancing.used}, financed ${afterFinancing.financed} of ${classic.total} (filled in the payable's order)`);

  const events = await hook.waitFor(['VoucherTransferred', 'VoucherAccepted', 'VoucherFinanced'], 20_000);
  log(`\nTier-3's webhook received ${events.length} event(s), each checked against cascade-signature (HMAC-SHA256 of "t.body" with its secret):`);
  for (const e of events) log(`  ${e.verified ? '✓' : '✗'} ${e.type.padEnd(20)} delivery ${e.delivery}`);
  hook.close();

  // The simulated clock: every service re-reads the offset file within clockFileRefreshMs.
  const dayAfter = addDays(maturity, 1);
  writeClockOffset(ctx.clockFile, Date.parse(`${dayAfter}T02:00:00.000Z`) - Date.now());
  await new Promise((r) => setTimeout(r, 3 * clockFileRefreshMs));
  log(`\nThe simulated clock moves every service to ${dayAfter} 10:00 Shanghai, the day after maturity (${path.relative(ctx.root, ctx.clockFile)}: now ${clock().toISOString()})`);
  const paymentReference = `ICBC-STL-${seed}`;
  const settled = await step('core settles the tree: 1,000,000.00, bank reference ' + paymentReference, core, 'voucher.settle', { rootId, paymentReference, paidAmount: '1000000.00' });
  const payouts = (settled.events as { type: string; data: { holderTotals?: { holder: string; amount: string }[] } }[] | undefined)?.find((e) => e.type === 'VoucherSettled')?.data.holderTotals ?? [];
  log(`    paid to each holder: ${payouts.map((h) => `${nameOf(h.holder)} ${h.amount}`).join(', ')}`);
  log('\nThe workflows service writes the settlement payouts (兑付/清分) as a pain.001 file for the core to send');
  const payoutFile = await showFile(core, 'the payout file', (e) => e.kind === 'payout' && e.rootId === rootId);

  log('\nThe core’s bank answers with a camt.054.001.08 debit notification; the core imports it (POST /v1/payment-notifications)');
  const accountOf = (partyId: string) => {
    const p = [core, tier1, tier2, tier3, bank].findIndex((x) => x.partyId === partyId);
    return [bankAccounts.core, bankAccounts.tier1, bankAccounts.tier2, bankAccounts.tier3, bankAccounts.bank][p]!.account.number;
  };
  const camt = buildCamt054Debits({ messageId: `ICBC-N-${seed}`, account: bankAccounts.core.account.number, bookedOn: dayAfter, debits: payoutFile.entries.map((e, i) => ({ endToEndId: e.endToEndId, amount: e.amount, creditorAccount: accountOf(e.creditor), bankReference: `ICBC-TX-${seed}-${i + 1}` })) });
  const report = await core.client.importPaymentNotification(camt, { format: 'camt.054' });
  for (const m of report.matched) log(`  ✓ matched ${m.endToEndId}  ${m.amount}  bank reference ${m.bankReference}`);
  for (const u of report.unmatched) log(`  ✗ unmatched ${u.endToEndId} ${u.amount}: ${u.reason}`);
  const paid = (await core.client.listPaymentFiles()).files.find((f) => f.id === payoutFile.id)?.entries ?? [];
  if (report.matched.length !== payoutFile.entries.length || !paid.every((e) => e.state === 'paid')) throw new Error(`the notification did not pay every holder: ${JSON.stringify(report)}`);
  log(`    every holder is paid (${paid.length} entries paid, ${report.partial.length} partial, ${report.unmatched.length} unmatched)`);
  const released = await until('the registration released on payoff', async () => {
    const r = await bank.client.getFinancingRegistry(piece3);
    return r.registryStatus === 'released' ? r : undefined;
  }).then((r) => `released ${r.release.releasedAt}`, (e: Error) => e.message);
  log(`    the financing registry record: ${released}`);

  log('\nThe voucher tree after settlement, as the regulator sees it (GET /v1/vouchers/:id/tree)');
  const finalTree = await regulator.client.getVoucherTree(rootId);
  for (const n of finalTree.nodes) log(`  ${n.amount.padStart(11)} ${n.status.padEnd(9)} held by ${n.holder === null ? '(hidden)' : nameOf(n.holder)}`);
  if (!finalTree.nodes.filter((n) => n.status !== 'consumed').every((n) => n.status === 'settled')) throw new Error('a leaf of the tree is not settled');

  log('\nBalances after settlement (GET /v1/balances/:party)');
  for (const p of [core, tier1, tier2, tier3, bank]) {
    const b = await p.client.getBalances(p.partyId);
    // Balances are signed (an issuer's payable side is negative): shown as the ledger answers them.
    const nonZero = b.balances.filter((x) => !/^-?0\.00$/.test(x.amount));
    log(`  ${p.name.split(' ')[0]!.padEnd(8)} ${nonZero.length === 0 ? '(all zero)' : nonZero.map((x) => `${x.account.split(':')[0]} ${x.amount}`).join(', ')}`);
  }

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

interface ReceivedEvent {
  type: string;
  delivery: string;
  verified: boolean;
}

/** A webhook endpoint as an enterprise would run one: it checks each delivery's signature. */
async function webhookReceiver(): Promise<{ url: string; secret: string; waitFor(types: string[], ms: number): Promise<ReceivedEvent[]>; close(): void }> {
  const received: ReceivedEvent[] = [];
  const state = { secret: '' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['cascade-signature'] ?? '')) ?? [];
      const expected = t ? createHmac('sha256', state.secret).update(`${t}.${body}`).digest() : Buffer.alloc(32);
      const verified = v1 !== undefined && timingSafeEqual(expected, Buffer.from(v1, 'hex'));
      received.push({ type: String(req.headers['cascade-event'] ?? '?'), delivery: String(req.headers['cascade-delivery'] ?? '?'), verified });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cascade-events`,
    get secret() {
      return state.secret;
    },
    set secret(value: string) {
      state.secret = value;
    },
    async waitFor(types: string[], ms: number) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && !types.every((t) => received.some((r) => r.type === t))) await new Promise((r) => setTimeout(r, 200));
      return received;
    },
    close: () => server.close(),
  };
}
