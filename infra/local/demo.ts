/**
 * The demo scenario run by `infra/cascade up` once the services are ready. For now it shows the
 * services' health and readiness; the voucher scenario of DESIGN §1 is added with the ledger.
 */
export interface DemoContext {
  services: readonly { name: string; port: number }[];
  log: (message: string) => void;
  kafkaBrokers: string[];
  databaseUrl: string;
}

export async function runDemo(ctx: DemoContext): Promise<void> {
  ctx.log('\nDemo: each service reports its dependencies');
  for (const svc of ctx.services) {
    const res = await fetch(`http://127.0.0.1:${svc.port}/ready`);
    const body = (await res.json()) as { checks?: Record<string, string> };
    ctx.log(`  ${svc.name.padEnd(9)} ${res.status} ${JSON.stringify(body.checks)}`);
  }
}
