/**
 * The simulated host over a real SOL session (redirection service on a TCP port, 127.0.0.1): what
 * the OS prints reaches the console as 0x2A data, the console's 0x28 keystrokes log in and run
 * commands, and a BIOS boot with UseSOL shows its POST.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_ACCOUNT, startSimulator, type Simulator } from '../../../server/src/sim';
import { Console, SOL_START, header } from './redirection/console';
import { oneTimeBoot } from '../../unit/sim/host/helpers';

let sim: Simulator;

before(async () => {
  sim = await startSimulator({ port: 0, redirectionPort: 0, hostLineDelayMs: 0, name: 'solhost' });
});
after(() => sim?.close());

function solData(text: string): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16LE(Buffer.byteLength(text));
  return Buffer.concat([header(0x28, 0, len), Buffer.from(text)]);
}

/** Reads 0x2A host data until the text seen since the last call contains `want`. */
class Screen {
  private text = '';
  constructor(private readonly c: Console) {}
  async until(want: string): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (!this.text.includes(want)) {
      if (Date.now() > deadline) throw new Error(`SOL never carried ${JSON.stringify(want)}; it carried ${JSON.stringify(this.text)}`);
      const m = await this.c.expect(0x2a);
      this.text += m.subarray(10, 10 + m.readUInt16LE(8)).toString('utf8');
    }
    const at = this.text.indexOf(want) + want.length;
    const seen = this.text.slice(0, at);
    this.text = this.text.slice(at);
    return seen;
  }
}

test('a console logs in to the simulated OS over SOL and runs a command; a UseSOL boot shows POST', async () => {
  const c = await Console.tcp(sim.redirectionPort!);
  try {
    assert.deepEqual(await c.logOn('SOL ', DEFAULT_ACCOUNT.user, DEFAULT_ACCOUNT.password), { start: 0, auth: 0 });
    c.send(SOL_START);
    await c.expect(0x21);
    const screen = new Screen(c);
    c.send(solData('\r\n'));
    await screen.until('solhost login: ');
    c.send(solData('root\r\n'));
    await screen.until('Password: ');
    c.send(solData('amt\r\n'));
    await screen.until('root@solhost:~# ');
    c.send(solData('uname -a\r\n'));
    assert.match(await screen.until('root@solhost:~# '), /SimOS solhost 1\.0\.0-amt/);
    oneTimeBoot(sim.device, { UseSOL: true });
    const post = await screen.until('solhost login: ');
    assert.match(post, /Memory Test: \d+K OK/);
    assert.match(post, /Booting from Hard Drive/);
  } finally {
    c.close();
  }
});
