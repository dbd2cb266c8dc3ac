/** Builders for the domain's unit tests: parties, contracts, invoices, deliveries, payments. */
import { usccFromNumber } from '@cascade/ids';
import { decideContract, decideDelivery, decideInvoice, decidePayment, type Contract, type ContractInput, type Delivery, type DeliveryInput, type Invoice, type InvoiceInput, type Party, type Payment, type PaymentInput, type RecordContext, type Role } from './records.ts';

export const hashOf = (seed: string): string => Buffer.from(seed.padEnd(32, '.').slice(0, 32)).toString('hex');

export class World {
  readonly parties = new Map<string, Party>();
  readonly contracts = new Map<string, Contract>();
  readonly invoices = new Map<string, Invoice>();
  now = new Date('2026-03-02T02:00:00.000Z');
  today = '2026-03-02';
  private ids = 0;
  private numbers = 1;

  party(roles: Role[]): string {
    const id = usccFromNumber(10_000 + this.parties.size);
    this.parties.set(id, { partyId: id, roles });
    return id;
  }

  newId(): string {
    this.ids += 1;
    return `0195${this.ids.toString(16).padStart(4, '0')}-0000-7000-8000-000000000000`;
  }

  ctx(caller: string): RecordContext {
    return { caller, today: this.today, now: this.now, party: (id) => this.parties.get(id) };
  }

  contractInput(buyer: string, seller: string, over: Partial<ContractInput> = {}): ContractInput {
    return {
      contractNumber: `HT-${this.ids + 1}`,
      buyer,
      seller,
      amount: '1000.00',
      signedOn: '2026-01-05',
      validUntil: '2026-12-31',
      documentHash: hashOf('contract'),
      lines: [{ item: 'steel coil', quantity: '10', unit: 't' }],
      ...over,
    };
  }

  contract(buyer: string, seller: string, over: Partial<ContractInput> = {}): Contract {
    const c = decideContract(this.contractInput(buyer, seller, over), this.ctx(seller), this.newId());
    this.contracts.set(c.contractId, c);
    return c;
  }

  /** A classic-form invoice input with a fresh number. */
  invoiceInput(seller: string, buyer: string, over: Partial<InvoiceInput> = {}): InvoiceInput {
    this.numbers += 1;
    return {
      code: '3100231130',
      number: String(this.numbers).padStart(8, '0'),
      seller,
      buyer,
      amountExclTax: '884.96',
      tax: '115.04',
      total: '1000.00',
      issuedOn: '2026-02-01',
      documentHash: hashOf('invoice'),
      contractId: null,
      ...over,
    };
  }

  invoice(seller: string, buyer: string, over: Partial<InvoiceInput> = {}, verification: Invoice['verification'] = 'verified'): Invoice {
    const input = this.invoiceInput(seller, buyer, over);
    const contract = input.contractId ? this.contracts.get(input.contractId) : undefined;
    const i = { ...decideInvoice(input, this.ctx(seller), this.newId(), contract), verification };
    this.invoices.set(i.invoiceId, i);
    return i;
  }

  deliveryInput(contract: Contract, over: Partial<DeliveryInput> = {}): DeliveryInput {
    return {
      contractId: contract.contractId,
      deliveryNumber: `FH-${this.ids + 1}`,
      shippedOn: '2026-01-20',
      receivedOn: '2026-01-22',
      receiver: 'Warehouse 3, Zhang Wei',
      lines: contract.lines.map((l) => ({ ...l })),
      ...over,
    };
  }

  delivery(contract: Contract, over: Partial<DeliveryInput> = {}): Delivery {
    return decideDelivery(this.deliveryInput(contract, over), this.ctx(contract.seller), this.newId(), contract);
  }

  paymentInput(payer: string, payee: string, over: Partial<PaymentInput> = {}): PaymentInput {
    return { payer, payee, amount: '500.00', paidOn: '2026-02-10', bankReference: `BR-${this.ids + 1}`, invoiceId: null, ...over };
  }

  payment(payer: string, payee: string, over: Partial<PaymentInput> = {}): Payment {
    const input = this.paymentInput(payer, payee, over);
    return decidePayment(input, this.ctx(payer), this.newId(), input.invoiceId ? this.invoices.get(input.invoiceId) : undefined);
  }
}
