/**
 * The ledger port over Kafka: a command signed by the operator key, sent to ledger.commands under
 * the tree's key (the shared `ledgerCommandKey`), its result awaited on ledger.results.
 */
import { signCommand, type PrivateKey } from '@cascade/crypto';
import { ledgerCommandKey } from '@cascade/events';
import type { LedgerKafkaClient } from '@cascade/ledger';
import type { LedgerPort } from './workflows.ts';

export const resultWaitMs = 30_000;

export function kafkaLedgerPort(client: LedgerKafkaClient, signer: { chainId: string; operatorId: string; key: PrivateKey; clock: () => Date }): LedgerPort {
  return {
    command: (type, nonce, payload) => ({ type, chain: signer.chainId, actor: signer.operatorId, nonce, createdAt: signer.clock().toISOString(), payload }),
    run: async (command, treeIssuer) => {
      const key = ledgerCommandKey(command, treeIssuer);
      return client.sendAndWait({ command, signatures: [signCommand(command, signer.key)], key }, resultWaitMs);
    },
  };
}
