/**
 * The output channel never shows a password (client/src/model/redact.ts): with amt.trace.server
 * "verbose" the language client writes every request's params there, and device requests carry
 * the password in `credentials`. The trace text here is vscode-jsonrpc's own (through vscode-languageserver).
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createMessageConnection, RequestType, StreamMessageReader, StreamMessageWriter, Trace, TraceFormat } from 'vscode-languageserver/node';
import { redactingChannel, redactTrace } from '../../../client/src/model/redact';

const PASSWORD = 'P@ss"w0rd\\1';

/** A stand-in for vscode.LogOutputChannel that keeps what was written. */
function fakeChannel() {
  const lines: string[] = [];
  const state = { disposed: false };
  return {
    lines,
    state,
    name: 'AMT Workbench',
    append: (t: string) => void lines.push(t),
    appendLine: (t: string) => void lines.push(t),
    info: (t: string) => void lines.push(t),
    error: (e: string | Error) => void lines.push(typeof e === 'string' ? e : e.message),
    dispose: () => void (state.disposed = true),
  };
}

describe('redacting the output channel', () => {
  it('a verbose LSP trace of a device request shows the user but not the password', async () => {
    const channel = fakeChannel();
    const output = redactingChannel(channel);
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const server = createMessageConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    const connect = new RequestType<{ targetId: string; credentials: { user: string; password: string } }, string, void>('amt/connect');
    server.onRequest(connect, (p) => p.targetId);
    server.listen();
    client.listen();
    // What vscode-languageclient does with its trace output channel (logTrace).
    await client.trace(Trace.Verbose, { log: (message: string, data?: string) => { output.appendLine(message); if (data) output.appendLine(data); } }, { sendNotification: false, traceFormat: TraceFormat.Text });
    try {
      assert.equal(await client.sendRequest(connect, { targetId: 'lab', credentials: { user: 'admin', password: PASSWORD } }), 'lab');
    } finally {
      client.dispose();
      server.dispose();
    }
    const text = channel.lines.join('\n');
    assert.match(text, /Sending request 'amt\/connect/);
    assert.match(text, /"user": "admin"/);
    assert.match(text, /"password": "\[redacted\]"/);
    assert.ok(!text.includes('P@ss'), text);
  });

  it('compact JSON and password elements of WS-Man bodies are redacted; other text is kept', () => {
    const text = `{"credentials":{"user":"admin","password":"${JSON.stringify(PASSWORD).slice(1, -1)}"},"xml":"<h:DigestPassword>s3cret</h:DigestPassword><h:Username>admin</h:Username>"}`;
    const out = redactTrace(text);
    assert.ok(!out.includes('P@ss') && !out.includes('s3cret'), out);
    assert.ok(out.includes('"password":"[redacted]"'));
    assert.ok(out.includes('<h:Username>admin</h:Username>'));
    assert.equal(redactTrace('Disarmed the OS watchdog of Simulator.'), 'Disarmed the OS watchdog of Simulator.');
  });

  it('every way of writing to the channel is redacted, and its other members still work', () => {
    const channel = fakeChannel();
    const output = redactingChannel(channel);
    output.append('{"password":"a"}');
    output.info('{"password": "b"}');
    output.error('{"password":"c"}');
    assert.deepEqual(channel.lines, ['{"password":"[redacted]"}', '{"password": "[redacted]"}', '{"password":"[redacted]"}']);
    assert.equal(output.name, 'AMT Workbench');
    output.dispose();
    assert.equal(channel.state.disposed, true, 'dispose reached the output channel');
  });
});
