/**
 * Debian's amtterm (an independent SOL client, /usr/bin/amtterm) against the simulator on its
 * redirection port: it logs on, opens SOL and prints what the host's serial console prints.
 *
 * Debian ships amtterm 1.4, which logs on with authentication type 1 (user and password in
 * clear) and nothing else; AMT 7.0 and later refuse that unless MEBx allows it, so the
 * simulator runs with `redirectionBasicAuth` here, and without it amtterm must fail as it does
 * against such firmware.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../../server/src/sim';
import { amtterm18 } from '../../../helpers/amtterm';
import { SerialStandIn } from './stand-ins';

const AMTTERM = '/usr/bin/amtterm';
const missing = !existsSync(AMTTERM);
const skip = missing && process.env.CI !== 'true' ? 'amtterm is not installed here; install the Debian package amtterm to run this test' : false;

/** Runs amtterm with a pipe for stdin; `onText` sees all it printed so far (stdout and stderr). */
function amtterm(port: number, password: string, onText: (stdout: string, stderr: string, write: (s: string) => void) => void, binary = AMTTERM): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['-u', DEFAULT_ACCOUNT.user, '127.0.0.1', String(port)], { env: { ...process.env, AMT_PASSWORD: password } });
    let stdout = '';
    let stderr = '';
    const write = (s: string) => child.stdin.write(s);
    child.stdout.on('data', (d) => ((stdout += d), onText(stdout, stderr, write)));
    child.stderr.on('data', (d) => ((stderr += d), onText(stdout, stderr, write)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Presses Enter once amtterm is connected, and ^] (leave) once its output matches `prompt`. */
function enterUntil(port: number, prompt: RegExp, binary = AMTTERM) {
  let pressed = false;
  let left = false;
  return amtterm(port, DEFAULT_ACCOUNT.password, (stdout, stderr, write) => {
    if (!pressed && stderr.includes('connected now')) {
      pressed = true;
      write('\n');
    }
    if (!left && prompt.test(stdout)) {
      left = true;
      write('\x1d');
    }
  }, binary);
}

describe('amtterm (Debian) opens SOL to the simulator', { skip }, () => {
  let sim: Simulator;
  const serial = new SerialStandIn();
  before(async () => {
    assert.ok(!missing, `${AMTTERM} is missing; CI installs it (.ci/run), install the Debian package amtterm`);
    sim = await startSimulator({ port: 0, redirectionPort: 0, redirectionBasicAuth: true });
    sim.redirection.setHostLinks({ serial });
    // The host's getty: Enter redraws the login prompt.
    serial.on('input', (b: Buffer) => {
      if (b.includes(0x0d)) serial.print('\r\nDebian GNU/Linux 12 simhost ttyS1\r\n\r\nsimhost login: ');
    });
  });
  after(() => sim?.close());

  it('prints the host console text after Enter and leaves on ^]', async () => {
    const run = await enterUntil(sim.redirectionPort!, /simhost login: /);
    assert.match(run.stdout, /simhost login: /, `amtterm printed: ${run.stdout} / ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stderr.includes(DEFAULT_ACCOUNT.password), 'the password never appears in the output');
  });

  it('reports "session authentication failed" for a wrong password', async () => {
    const before = sim.device.failedLogins;
    const run = await amtterm(sim.redirectionPort!, 'not-the-password', () => {});
    assert.match(run.stderr, /session authentication failed/);
    assert.equal(sim.device.failedLogins, before + 1);
  });
});

describe('amtterm with the simulated host behind SOL', { skip }, () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ port: 0, redirectionPort: 0, redirectionBasicAuth: true });
  });
  after(() => sim?.close());

  it('shows the running OS\'s login prompt after Enter', async () => {
    const run = await enterUntil(sim.redirectionPort!, / login: $/);
    assert.match(run.stdout, / login: /, `amtterm printed: ${run.stdout} / ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
  });
});

describe('amtterm 1.4 against firmware that refuses log-ons in clear (AMT 7.0 and later)', { skip }, () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ port: 0, redirectionPort: 0 });
  });
  after(() => sim?.close());

  it('fails with "session authentication failed"', async () => {
    const run = await amtterm(sim.redirectionPort!, DEFAULT_ACCOUNT.password, () => {});
    assert.match(run.stderr, /session authentication failed/);
  });
});

// amtterm 1.8 logs on with digest (type 4) over TLS by default, as consoles do against AMT 7 and
// later; built from test/peers/amtterm-1.8 (Debian ships 1.4).
const peers = amtterm18();
const missing18 = 'missing' in peers ? peers.missing : undefined;
describe('amtterm 1.8 over TLS with digest', { skip: missing18 && process.env.CI !== 'true' ? missing18 : false }, () => {
  let sim: Simulator;
  before(async () => {
    assert.ok(!missing18, `${missing18}; CI installs what this needs (.ci/run)`);
    sim = await startSimulator({ port: 0, redirectionTlsPort: 0 });
  });
  after(() => sim?.close());

  it('shows the running OS\'s login prompt', async () => {
    const run = await enterUntil(sim.redirectionTlsPort!, / login: $/, (peers as { amtterm: string }).amtterm);
    assert.match(run.stdout, / login: /, `amtterm printed: ${run.stdout} / ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stderr.includes(DEFAULT_ACCOUNT.password), 'the password never appears in the output');
  });

  it('a wrong password is one failed log-on and "session authentication failed"', async () => {
    const before = sim.device.failedLogins;
    const run = await amtterm(sim.redirectionTlsPort!, 'not-the-password', () => {}, (peers as { amtterm: string }).amtterm);
    assert.match(run.stderr, /session authentication failed/);
    assert.equal(sim.device.failedLogins, before + 1);
  });
});
