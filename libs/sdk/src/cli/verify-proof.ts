/**
 * `cascade verify-proof <file> --key <ledger public key>`
 *
 * Checks an inclusion proof offline, with nothing but the file and the ledger's public key: the
 * operation's Merkle path leads to the block's root, the header hashes to the block hash, and the
 * ledger key signed that hash. The key is given as a PEM file, or as `alg:hex`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { verifyProof, type InclusionProof } from '@cascade/chain';
import { importPublicKey, isSignatureAlg, parseJsonStrict, verifySignature, type PublicKey } from '@cascade/crypto';
import { parseArgs } from './args.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliCommand } from './io.ts';

export const proofFileSizeBytesMax = 4 * 1024 * 1024;

export function readLedgerKey(spec: string): PublicKey {
  if (existsSync(spec)) return importPublicKey({ format: 'pem', pem: readFileSync(spec, 'utf8') });
  const m = /^(ed25519|sm2):([0-9a-f]+)$/.exec(spec);
  if (!m || !isSignatureAlg(m[1])) throw new UsageError('--key must be a PEM file or alg:hex (ed25519:… or sm2:04…)');
  return importPublicKey({ format: 'hex', alg: m[1], hex: m[2]! });
}

export const verifyProofCommand: CliCommand = {
  path: ['verify-proof'],
  summary: 'check an operation inclusion proof offline against the ledger public key',
  usage: '<proof.json> --key <PEM file | alg:hex>',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { key: { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('give exactly one proof file');
    if (typeof flags['key'] !== 'string') throw new UsageError('--key is required');
    const key = readLedgerKey(flags['key']);
    const file = positionals[0]!;
    const text = readFileSync(file, 'utf8');
    if (text.length > proofFileSizeBytesMax) throw new UsageError(`${file} is larger than ${proofFileSizeBytesMax} bytes`);
    const proof = parseJsonStrict(text) as InclusionProof;
    const verdict = verifyProof(proof, (message, signature) => signature.alg === key.alg && verifySignature(key.alg, key.raw, message, signature.sig));
    if (!verdict.ok) {
      io.err(`INVALID: ${verdict.reason}`);
      return EXIT_FAILURE;
    }
    const h = proof.block.header;
    io.out(`OK: operation ${(proof.record as { opId?: string }).opId ?? '?'} (seq ${(proof.record as { seq?: number }).seq ?? '?'}) is in block ${h.height} of chain ${h.chainId}, sealed ${h.time}, signed by ${key.keyId}`);
    return EXIT_OK;
  },
};
