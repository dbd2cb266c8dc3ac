/** Every route of the gateway, one resource file each; the type makes a missing operation a compile error. */
import type { RouteTable } from './route-table.ts';
import { chainRoutes } from './entry-points/http/chain.ts';
import { eventRoutes } from './entry-points/http/events.ts';
import { partyRoutes } from './entry-points/http/parties.ts';
import { riskRoutes } from './entry-points/http/risk.ts';
import { workflowRoutes } from './entry-points/http/workflows.ts';
import { paymentRoutes } from './entry-points/http/payments.ts';
import { sessionRoutes } from './entry-points/http/sessions.ts';
import { tradeRecordRoutes } from './entry-points/http/trade-records.ts';
import { tradeRoutes } from './entry-points/http/trade.ts';
import { voucherRoutes } from './entry-points/http/vouchers.ts';

export const gatewayRoutes: RouteTable = { ...chainRoutes, ...sessionRoutes, ...partyRoutes, ...tradeRoutes, ...tradeRecordRoutes, ...riskRoutes, ...workflowRoutes, ...paymentRoutes, ...voucherRoutes, ...eventRoutes };
