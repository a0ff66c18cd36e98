import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSession, type Session } from './harness';

const snippets = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../snippets/wsman.json'), 'utf8')) as Record<string, { prefix: string; body: string[] }>;

/** Expands a snippet the way VS Code does when the user accepts every default. */
function expand(body: string[]): string {
  const values = new Map<string, string>();
  return body
    .join('\n')
    .replace(/\$\{(\d+)\|([^,|]*)[^|]*\|\}|\$\{(\d+):([^}]*)\}|\$\{(\d+)\}|\$(\d+)/g, (_m, cn, choice, dn, def, bn, plain) => {
      const n = cn ?? dn ?? bn ?? plain;
      const v = choice ?? def ?? values.get(n) ?? '';
      if (!values.has(n)) values.set(n, v);
      return v;
    });
}

describe('wsman snippets', () => {
  let session: Session;
  before(async () => {
    session = await startSession();
  });
  after(() => session.dispose());

  it('cover every operation, each with a wsman- prefix', () => {
    assert.deepEqual(Object.keys(snippets).sort(), ['Create', 'Delete', 'Enumerate', 'Envelope', 'Get', 'Identify', 'Invoke', 'Pull', 'Put', 'Release', 'Subscribe', 'Unsubscribe']);
    for (const s of Object.values(snippets)) assert.match(s.prefix, /^wsman-/);
  });

  for (const [name, s] of Object.entries(snippets)) {
    if (name === 'Envelope') continue;
    it(`${name} expands to a request the language server finds no problem with`, async () => {
      const { diagnostics } = await session.open(`snippet-${name}.wsman`, expand(s.body));
      assert.deepEqual(diagnostics.map((d) => d.message), []);
    });
  }

  it('Envelope declares every namespace and leaves Action and ResourceURI to fill in', async () => {
    const { diagnostics } = await session.open('snippet-Envelope.wsman', expand(snippets.Envelope!.body));
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['wsman.unknownAction', 'wsman.unknownClass']);
  });
});
