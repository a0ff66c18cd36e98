import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Catalog } from '../../../server/src/catalog/catalog';
import { complete } from '../../../server/src/lsp/completion';
import { diagnose } from '../../../server/src/lsp/diagnostics';
import { parseWsmanFile } from '../../../server/src/lsp/document';
import { hover } from '../../../server/src/lsp/hover';
import { fixture } from './harness';

describe('wsman language features on half-typed text', () => {
  const catalog = Catalog.default();
  for (const name of ['requests.wsman', 'mistakes.wsman', 'unformatted.wsman']) {
    it(`completion and hover answer at every position of ${name}, and diagnostics at every prefix of it`, () => {
      const text = fixture(name);
      const doc = TextDocument.create('file:///r.wsman', 'wsman', 1, text);
      const file = parseWsmanFile(text);
      for (let offset = 0; offset <= text.length; offset++) {
        assert.doesNotThrow(() => complete(doc, file, offset, catalog), `completion at ${doc.positionAt(offset).line + 1}:${doc.positionAt(offset).character + 1}`);
        assert.doesNotThrow(() => hover(doc, file, offset, catalog), `hover at ${offset}`);
      }
      // Every prefix is what the editor holds while the file is being typed.
      for (let end = 0; end <= text.length; end += Math.max(7, Math.floor(text.length / 400))) {
        const partial = text.slice(0, end);
        assert.doesNotThrow(() => diagnose(TextDocument.create('file:///p.wsman', 'wsman', 1, partial), parseWsmanFile(partial), catalog), `diagnostics of the first ${end} characters`);
      }
    });
  }
});
