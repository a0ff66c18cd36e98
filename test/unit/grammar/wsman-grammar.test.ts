/**
 * The TextMate grammar, tokenized the way VS Code does it (vscode-textmate + vscode-oniguruma),
 * on the sample requests: the scopes a theme colours must be there for headers, URIs, selectors,
 * properties, variables, ### separators and @variable lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const require = createRequire(import.meta.url);

function load<T>(name: string): T {
  try {
    return require(name) as T;
  } catch {
    throw new Error(`The grammar test needs the npm packages vscode-textmate and vscode-oniguruma (devDependencies), and "${name}" is missing; run "npm install".`);
  }
}

// The few members used, typed here so the type check passes before the packages are installed.
interface Grammar {
  tokenizeLine(line: string, stack: unknown): { tokens: { startIndex: number; endIndex: number; scopes: string[] }[]; ruleStack: unknown };
}
interface Textmate {
  Registry: new (options: { onigLib: Promise<unknown>; loadGrammar(scope: string): Promise<unknown> }) => { loadGrammar(scope: string): Promise<Grammar | null> };
  INITIAL: unknown;
  parseRawGrammar(content: string, path: string): unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

async function tokenize(text: string): Promise<Token[]> {
  const tm = load<Textmate>('vscode-textmate');
  const onig = load<Oniguruma>('vscode-oniguruma');
  const wasm = readFileSync(join(dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) =>
      scope === 'text.xml.wsman' ? tm.parseRawGrammar(readFileSync(join(root, 'syntaxes/wsman.tmLanguage.json'), 'utf8'), 'wsman.tmLanguage.json') : null,
  });
  const grammar = await registry.loadGrammar('text.xml.wsman');
  assert.ok(grammar, 'the grammar loads');
  const tokens: Token[] = [];
  let stack: unknown = tm.INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) tokens.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return tokens;
}

describe('the wsman TextMate grammar', () => {
  const text = readFileSync(join(root, 'test/fixtures/wsman/requests.wsman'), 'utf8');
  const lines = text.split('\n');
  let tokens: Token[] = [];
  before(async () => {
    tokens = await tokenize(text);
  });

  /** Scopes of the token `token` on the first line containing `lineNeedle`. */
  function scopes(lineNeedle: string, token: string): string[] {
    const line = lines.findIndex((l) => l.includes(lineNeedle));
    assert.ok(line >= 0, `no line contains ${lineNeedle}`);
    const t = tokens.find((x) => x.line === line && x.text === token);
    assert.ok(t, `no token "${token}" on line ${line + 1}: ${tokens.filter((x) => x.line === line).map((x) => JSON.stringify(x.text)).join(' ')}`);
    return t.scopes;
  }

  function has(s: string[], scope: string): void {
    assert.ok(s.includes(scope), `expected ${scope} in ${s.join(' ')}`);
  }

  it('marks ### separators and their titles', () => {
    has(scopes('### Turn the host off', '###'), 'punctuation.definition.separator.wsman');
    has(scopes('### Turn the host off', 'Turn the host off'), 'entity.name.section.request-title.wsman');
  });

  it('marks @variable lines', () => {
    has(scopes('@host = amt-lab-01', 'host'), 'variable.other.definition.wsman');
    has(scopes('@host = amt-lab-01', 'amt-lab-01'), 'string.unquoted.variable-value.wsman');
  });

  it('marks WS-Man header elements and the Action and ResourceURI values', () => {
    has(scopes('transfer/Get</a:Action>', 'Action'), 'entity.name.tag.header.wsman');
    has(scopes('transfer/Get</a:Action>', 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get'), 'string.unquoted.uri.action.wsman');
    has(scopes('CIM_SoftwareIdentity</w:ResourceURI>', 'ResourceURI'), 'entity.name.tag.header.wsman');
    has(scopes('CIM_SoftwareIdentity</w:ResourceURI>', 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_SoftwareIdentity'), 'string.unquoted.uri.resource.wsman');
    has(scopes('<a:MessageID>', 'MessageID'), 'entity.name.tag.header.wsman');
    has(scopes('<w:SelectorSet>', 'SelectorSet'), 'entity.name.tag.header.wsman');
  });

  it('marks selectors: the key name and the value', () => {
    has(scopes('Name="SystemName"', 'SystemName'), 'variable.parameter.selector-name.wsman');
    has(scopes('Name="SystemName"', 'Intel(r) AMT'), 'string.unquoted.selector-value.wsman');
    has(scopes('Name="SystemName"', 'Selector'), 'entity.name.tag.selector.wsman');
  });

  it('marks property and parameter elements and their values, classes and method inputs', () => {
    has(scopes('<h:PingResponseEnabled>', 'PingResponseEnabled'), 'variable.other.property.wsman');
    has(scopes('<h:PingResponseEnabled>', 'true'), 'string.unquoted.property-value.wsman');
    has(scopes('<h:PowerState>8', 'PowerState'), 'variable.other.property.wsman');
    has(scopes('<h:RequestPowerStateChange_INPUT', 'RequestPowerStateChange_INPUT'), 'entity.name.function.method.wsman');
    has(scopes('<h:AMT_GeneralSettings xmlns', 'AMT_GeneralSettings'), 'entity.name.type.class.wsman');
  });

  it('marks {{variables}} inside values, built-ins apart', () => {
    has(scopes('{{amt}}/AMT_GeneralSettings', 'amt'), 'variable.other.wsman');
    has(scopes('{{amt}}/AMT_GeneralSettings', 'amt'), 'string.unquoted.uri.resource.wsman');
    has(scopes('{{$uuid}}', '$uuid'), 'variable.language.builtin.wsman');
    has(scopes('<h:HostName>{{host}}', 'host'), 'variable.other.wsman');
  });

  it('marks namespace declarations', () => {
    has(scopes('<h:AMT_GeneralSettings xmlns', 'http://intel.com/wbem/wscim/1/amt-schema/1/AMT_GeneralSettings'), 'markup.underline.link.namespace.wsman');
  });
});
