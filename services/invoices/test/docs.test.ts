/** docs/invoices.md lists every rejection code with its status, so the page cannot drift silently. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { rejections } from '../src/domain/index.ts';
import { fourFlowChecks } from '../src/domain/four-flow.ts';

const page = readFileSync(fileURLToPath(new URL('../../../docs/invoices.md', import.meta.url)), 'utf8');

describe('docs/invoices.md', () => {
  it.each(Object.entries(rejections))('lists %s with its status', (code, { status }) => {
    expect(page).toContain(`| \`${code}\` | ${status} |`);
  });

  it.each(Object.entries(fourFlowChecks))('gives the points of four-flow check %s', (code, { points }) => {
    expect(page).toMatch(new RegExp(`\`${code}\`[^|]*\\| ${points} \\|`));
  });
});
