/**
 * Debian's amttool (package amtterm; a Perl SOAP::Lite client nobody here wrote) drives the legacy
 * simulator over a real socket: `info`, `powerdown`, `powerup`, a declined confirmation, and a
 * wrong password. amttool takes `HOST:PORT` as its first argument (its default port is 16992), the
 * password from AMT_PASSWORD, and asks "[y/N]" on stdin before every power command.
 *
 * Without amttool on PATH the suite is skipped with the reason, except under CI=true, where
 * .ci/run installs amtterm and a missing amttool fails the run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulator, DEFAULT_ACCOUNT, type Simulator } from '../../../server/src/sim';
import { runProgram, type Run } from '../cli/run';

const FOUND = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'amttool')).find((p) => existsSync(p));
/** amttool is Perl over SOAP::Lite (Debian's libsoap-lite-perl, which amtterm only recommends). */
const SOAP_LITE = spawnSync('perl', ['-MSOAP::Lite', '-e1']).status === 0;
const AMTTOOL = FOUND && SOAP_LITE ? FOUND : undefined;
const MISSING = FOUND
  ? 'amttool is installed but Perl lacks SOAP::Lite (Debian package libsoap-lite-perl), so it cannot be run against the simulator'
  : 'amttool is not installed here (Debian package amtterm), so it cannot be run against the simulator';
const CI = process.env.CI === 'true';

/** `amttool ARGS` with AMT_PASSWORD set and `answer` on stdin (its [y/N] prompt). */
function amttool(args: string[], opts: { password?: string; answer?: string } = {}): Promise<Run> {
  return runProgram(AMTTOOL!, args, { env: { AMT_PASSWORD: opts.password ?? DEFAULT_ACCOUNT.password }, input: opts.answer ?? '' });
}

if (!AMTTOOL && CI) {
  test('amttool is installed (CI installs amtterm)', () => {
    assert.fail(`${MISSING}; under CI it must be: install it with "apt-get install -y amtterm libsoap-lite-perl" (.ci/run does).`);
  });
} else if (!AMTTOOL) {
  test('Debian amttool drives the legacy simulator', { skip: `${MISSING}; install it with apt-get install -y amtterm libsoap-lite-perl to run this test` }, () => undefined);
} else {
  describeAmttool();
}

/** The suite proper, declared only where amttool exists (a skipped suite would hide its reason). */
function describeAmttool(): void {
  describe('Debian amttool against the legacy simulator', () => {
    let sim: Simulator;
    let where: string;
    before(async () => {
      sim = await startSimulator({ port: 0, legacy: 'amt5', redirectionPort: 0, redirectionTlsPort: 0 });
      where = `127.0.0.1:${sim.port}`;
    });
    after(() => sim?.close());

    test('info prints the version, host name, power state and remote-control capabilities', async () => {
      const r = await amttool([where, 'info']);
      assert.equal(r.code, 0, r.stderr);
      const { hostName, domainName } = sim.device.identity;
      assert.match(r.stdout, /^AMT version: {2}5\.0\.1$/m);
      assert.match(r.stdout, new RegExp(`^Hostname: {5}${hostName.replace(/\./g, '\\.')}\\.${domainName.replace(/\./g, '\\.')}$`, 'm'));
      assert.match(r.stdout, /^Powerstate: {3}S0$/m);
      assert.match(r.stdout, /SystemCapabilitiesSupported +powercycle powerdown powerup reset/);
    });

    test('powerdown, confirmed with y, switches the simulated host off', async () => {
      const r = await amttool([where, 'powerdown'], { answer: 'y\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /powerdown \[y\/N\] \? execute: powerdown\nresult: pt_status: success/);
      assert.equal(sim.device.powerState, 8);
      assert.match((await amttool([where, 'info'])).stdout, /^Powerstate: {3}S5 \(soft-off\)$/m);
    });

    test('powerdown again is refused by the firmware as not permitted', async () => {
      const r = await amttool([where, 'powerdown'], { answer: 'y\n' });
      assert.match(r.stdout, /result: pt_status: not permitted/);
      assert.equal(sim.device.powerState, 8);
    });

    test('powerup, confirmed with y, switches it on again', async () => {
      const r = await amttool([where, 'powerup'], { answer: 'y\n' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /result: pt_status: success/);
      assert.equal(sim.device.powerState, 2);
      assert.match((await amttool([where, 'info'])).stdout, /^Powerstate: {3}S0$/m);
    });

    test('declining the confirmation sends no command', async () => {
      const changes: unknown[] = [];
      const onPower = (c: unknown) => changes.push(c);
      sim.device.on('power', onPower);
      try {
        const r = await amttool([where, 'reset'], { answer: 'n\n' });
        assert.match(r.stdout, /reset \[y\/N\] \? canceled/);
        assert.deepEqual(changes, []);
      } finally {
        sim.device.off('power', onPower);
      }
    });

    test('a wrong password is refused with 401 and nothing changes', async () => {
      const failed = sim.device.failedLogins;
      const r = await amttool([where, 'powerdown'], { password: 'wrong-password', answer: 'y\n' });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /401 Unauthorized/);
      assert.ok(sim.device.failedLogins > failed);
      assert.equal(sim.device.powerState, 2);
    });
  });
}
