/**
 * The fleet tier's own ground: Intel's MPS built from AMT_MPS_SOURCE starts against the private
 * PostgreSQL and the Vault stand-in, reports both healthy, listens on loopback only, and keeps a
 * registered device as not connected until it dials in.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startMps, type RunningMps } from './harness/mps';

let mps: RunningMps;
before(async () => {
  mps = await startMps();
}, { timeout: 600_000 });
after(async () => mps?.stop());

test('MPS reports its database and secret store healthy', async () => {
  const health = await (await fetch(`${mps.webUrl}/api/v1/health`)).json() as { db: { status: string }; secretStore: { name: string; status: { sealed: boolean } } };
  assert.equal(health.db.status, 'OK');
  assert.equal(health.secretStore.name, 'VAULT');
  assert.equal(health.secretStore.status.sealed, false);
});

test('MPS listens on 127.0.0.1 only', () => {
  const pid = mps.process.pid!;
  const lines = execFileSync('ss', ['-Htlnp'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`pid=${pid},`));
  const locals = lines.map((l) => l.trim().split(/\s+/)[3]);
  assert.ok(locals.includes(`127.0.0.1:${mps.ciraPort}`), `CIRA port listening: ${locals.join(', ')}`);
  assert.ok(locals.includes(`127.0.0.1:${mps.webPort}`), `web port listening: ${locals.join(', ')}`);
  for (const l of locals) assert.match(l, /^127\.0\.0\.1:/, `MPS must not listen on ${l}`);
});

test('a registered device is listed as not connected until it dials in', async () => {
  const guid = '0d6f2b7e-51c4-4a9e-9d3b-3f1a2b4c5d6e';
  await mps.register({ guid, hostname: 'harness-1', tags: ['harness'], mpsUser: 'admin', mpsPassword: 'Mps-Secret1', amtPassword: 'P@ssw0rd' });
  const device = await (await fetch(`${mps.webUrl}/api/v1/devices/${guid}`)).json() as { guid: string; connectionStatus: boolean; tags: string[] };
  assert.equal(device.guid, guid);
  assert.equal(device.connectionStatus, false);
  assert.deepEqual(device.tags, ['harness']);
  assert.deepEqual(mps.vault.get(`devices/${guid}`), { AMT_PASSWORD: 'P@ssw0rd', MPS_PASSWORD: 'Mps-Secret1' });
});
