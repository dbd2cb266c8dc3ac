/**
 * Validates XML against the official ISO 20022 XSDs with libxml2 (xmllint compiled to
 * WebAssembly, the `xmllint-wasm` package), so the check needs nothing but `npm ci`.
 *
 * The XSD files are third-party data and are not committed here (see ../xsd/README.md). They are
 * looked for in CASCADE_XSD_DIR, then in libs/payments/xsd/ (a local copy), then in
 * `<repo>/../shared/xsd/` (beside the clone, as CI lays out shared/). A missing XSD fails the
 * test with the file's name: a schema check that silently skips would prove nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';

const libDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(libDir, '../..');

export type SchemaName = 'pain.001.001.09' | 'camt.054.001.08';

export function xsdPath(schema: SchemaName): string {
  const file = `${schema}.xsd`;
  const candidates = [process.env['CASCADE_XSD_DIR'], join(libDir, 'xsd'), join(repoRoot, '../shared/xsd')].filter((d): d is string => d !== undefined);
  for (const dir of candidates) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  throw new Error(`${file} not found in ${candidates.join(', ')}: put the official XSD there (libs/payments/xsd/README.md names its source and SHA-256)`);
}

const cache = new Map<SchemaName, string>();

/** The libxml2 messages for `xml` against `schema`; empty when the document is valid. */
export async function schemaErrors(xml: string, schema: SchemaName): Promise<string[]> {
  let xsd = cache.get(schema);
  if (xsd === undefined) {
    xsd = readFileSync(xsdPath(schema), 'utf8');
    cache.set(schema, xsd);
  }
  const result = await validateXML({ xml: [{ fileName: 'document.xml', contents: xml }], schema: [{ fileName: `${schema}.xsd`, contents: xsd }] });
  return result.valid ? [] : result.errors.map((e) => e.rawMessage);
}
