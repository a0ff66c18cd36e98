/**
 * The one protocol: every request protocol.ts declares is served by the backend, called by the
 * extension, and exercised by a test; protocol.ts itself imports no project module, so a feature
 * cannot change the wire format unseen.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { RequestType } from 'vscode-languageserver-protocol';
import * as protocol from '../../../server/src/protocol';
import { registerHandlers } from '../../../server/src/handlers';
import type { TargetRegistry } from '../../../server/src/targets/registry';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}
const text = (files: string[]) => files.map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');

/** `Group.name` → the request, for every request object protocol.ts exports. */
const requests = Object.entries(protocol).flatMap(([group, value]) =>
  typeof value === 'object' && value !== null
    ? Object.entries(value).filter(([, v]) => v instanceof RequestType).map(([name, v]) => ({ ref: `${group}.${name}`, method: (v as RequestType<unknown, unknown, unknown>).method }))
    : [],
);

describe('protocol.ts', () => {
  test('declares its requests with distinct method names', () => {
    assert.ok(requests.length >= 25, `${requests.length} requests`);
    assert.equal(new Set(requests.map((r) => r.method)).size, requests.length);
  });

  test('imports nothing from the project but its own family files under protocol/', () => {
    const importsOf = (file: string) => [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    const outside = importsOf('server/src/protocol.ts').filter((i) => i !== 'vscode-languageserver-protocol' && !/^\.\/protocol\/[\w-]+$/.test(i));
    assert.deepEqual(outside, []);
    // A family file takes the shared shapes from protocol/shared.ts, which takes them from protocol.ts.
    for (const file of filesUnder('server/src/protocol')) {
      const allowed = file.endsWith('shared.ts') ? ['../protocol'] : ['vscode-languageserver-protocol', './shared'];
      assert.deepEqual(importsOf(file).filter((i) => !allowed.includes(i)), [], file);
    }
  });

  test('every request has a handler in the backend', () => {
    const served = new Set<string>();
    registerHandlers({ handle: (type) => void served.add(type.method), notify: () => undefined, registry: {} as TargetRegistry });
    // The wsman language registers its own three (lsp/index.ts).
    const lsp = text(filesUnder('server/src/lsp'));
    const missing = requests.filter((r) => !served.has(r.method) && !(r.ref.startsWith('WsmanRequests.') && lsp.includes(r.ref)));
    assert.deepEqual(missing.map((r) => r.ref), []);
  });

  test('every request is called by the extension', () => {
    const client = text(filesUnder('client/src'));
    assert.deepEqual(requests.filter((r) => !client.includes(r.ref)).map((r) => r.ref), []);
  });

  test('every request is exercised by a test: named in one, or sent by a client model a test drives', () => {
    const testFiles = [...filesUnder('test/unit'), ...filesUnder('test/integration'), ...filesUnder('test/e2e'), ...filesUnder('test/fleet')].filter((f) => !f.endsWith('protocol.test.ts'));
    const tests = text(testFiles);
    const models = filesUnder('client/src/model');
    const exercised = (ref: string) =>
      tests.includes(ref) ||
      models.some((m) => text([m]).includes(ref) && tests.includes(`client/src/model/${path.basename(m, '.ts')}'`));
    assert.deepEqual(requests.filter((r) => !exercised(r.ref)).map((r) => r.ref), []);
  });
});
