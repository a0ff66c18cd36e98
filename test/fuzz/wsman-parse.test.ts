/**
 * The client's reply path (bytes → parse → fault check → reply validation → result, as
 * WsmanClient#call does it) on seeded mutations of the recorded AMT replies in
 * test/fixtures/real-amt. Every mutation has an oracle:
 * - `refuse`: the reply no longer answers the request or is not XML (another Action or class,
 *   another RelatesTo, illegal characters or references, bytes that are not UTF-8, a DOCTYPE,
 *   a cut, a lost closing tag, deep nesting): a typed AmtError, never a result;
 * - `preserve`: the same infoset written differently (prefixes renamed, comments, character
 *   references, CDATA, other quotes, spaces in tags): exactly the original result;
 * - `either`: a random byte changed inside the markup of an element that has an end tag: the
 *   original result or a typed error.
 * No crash (an exception that is not an AmtError), no hang. Seeded from FUZZ_SEED (default fixed,
 * printed), FUZZ_CASES cases (default 10,000, about 10–20 s on two cores).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AmtError } from '../../server/src/errors';
import { faultFromEnvelope } from '../../server/src/wsman/faults';
import { ACTION } from '../../server/src/wsman/namespaces';
import { bodyElement, parseEnumeration, parseEnvelope, parseEnvelopeAsync, parseInstance, parseMethodOutput, parseResourceCreated } from '../../server/src/wsman/parse';
import { SUBCLASSES, expectationOf, validateReply, type ReplyExpectation } from '../../server/src/wsman/validate';
import { seededRandom } from '../helpers/seeded';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202) >>> 0;
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'real-amt');

const rng = seededRandom;

function listXml(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? listXml(p) : p.endsWith('.xml') ? [p] : [];
  });
}

/** What the client would return for this reply to this request (throws what it would throw). */
function clientResult(bytes: Uint8Array, exp: ReplyExpectation): unknown {
  return resultOf(parseEnvelope(bytes), exp);
}

function resultOf(env: ReturnType<typeof parseEnvelope>, exp: ReplyExpectation): unknown {
  const fault = faultFromEnvelope(env, { httpStatus: 200, ...(exp.resourceUri ? { resourceUri: exp.resourceUri } : {}) });
  if (fault) throw fault;
  validateReply(env, exp);
  const el = bodyElement(env);
  switch (exp.operation) {
    case 'get':
    case 'put':
      return el ? parseInstance(el) : undefined;
    case 'enumerate':
    case 'pull':
      return parseEnumeration(env);
    case 'invoke':
      return parseMethodOutput(env);
    case 'create':
      return parseResourceCreated(env);
    default:
      return null;
  }
}

/** The request a recorded reply answers: its Action without `Response`, its RelatesTo, its ResourceURI. */
function requestFor(xml: string): ReplyExpectation | undefined {
  const env = parseEnvelope(xml);
  const { action, relatesTo, resourceUri } = env.header;
  if (!action?.endsWith('Response') || relatesTo === undefined || resourceUri === undefined) return undefined;
  const requestAction = action.slice(0, -'Response'.length);
  const fake = `<Envelope><Header><a:Action>${requestAction}</a:Action><w:ResourceURI>${resourceUri}</w:ResourceURI><a:MessageID>${relatesTo}</a:MessageID></Header><Body/></Envelope>`;
  return expectationOf(fake);
}

interface Seed {
  file: string;
  xml: string;
  exp: ReplyExpectation;
  result: unknown;
}

type Oracle = 'refuse' | 'preserve' | 'either';
interface Mutation {
  name: string;
  oracle: Oracle;
  /** Returns the mutated bytes, or undefined when the mutation does not apply to this reply. */
  apply(xml: string, r: () => number, seed: Seed): Buffer | undefined;
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const utf8 = (s: string) => Buffer.from(s, 'utf8');
const ALL_CLASSES = Object.values(SUBCLASSES).flatMap((c) => c.split(' '));

/** Positions of every match of `re` in `xml`. */
function positions(xml: string, re: RegExp): RegExpExecArray[] {
  return [...xml.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'))];
}

/** Index just after the root's start tag and just before its end tag. */
function rootSpan(xml: string): [number, number] {
  const start = xml.indexOf('>', xml.indexOf('Envelope')) + 1;
  return [start, xml.lastIndexOf('</')];
}

const RESPONSE_ACTIONS = [...Object.values(ACTION).map((a) => `${a}Response`), 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault'];

const MUTATIONS: Mutation[] = [
  {
    name: 'another Action',
    oracle: 'refuse',
    apply(xml, r) {
      const m = /(<(\w+:)?Action[^>]*>)([^<]*)(<)/.exec(xml);
      if (!m) return undefined;
      const current = m[3]!.trim();
      const others = [...RESPONSE_ACTIONS.filter((a) => a !== current), current.replace(/Response$/, ''), current + 'Response', current.toLowerCase()].filter((a) => a !== current);
      return utf8(xml.slice(0, m.index) + m[1] + pick(r, others) + xml.slice(m.index + m[0].length - 1));
    },
  },
  {
    name: 'another RelatesTo',
    oracle: 'refuse',
    apply(xml, r) {
      const m = /(<(\w+:)?RelatesTo>)([^<]*)(<\/(\w+:)?RelatesTo>)/.exec(xml);
      if (!m) return undefined;
      const v = m[3]!;
      const choices = [v + '0', v.slice(0, -1), `uuid:${v}`, '', ' x', String(Number(v) + 1)].filter((c) => c.trim() !== v.trim());
      const replaced = r() < 0.2 ? '' : m[1] + pick(r, choices) + m[4];
      return utf8(xml.slice(0, m.index) + replaced + xml.slice(m.index + m[0].length));
    },
  },
  {
    name: 'another class in the Body',
    oracle: 'refuse',
    apply(xml, r, seed) {
      const cls = seed.exp.resourceUri!.slice(seed.exp.resourceUri!.lastIndexOf('/') + 1);
      const tags = positions(xml, new RegExp(`<(/?)(\\w+):${cls}([\\s>/])`));
      if (tags.length === 0) return undefined;
      const other = pick(r, ALL_CLASSES.filter((c) => c !== cls && !isDescendant(c, cls)));
      return utf8(xml.replace(new RegExp(`<(/?)(\\w+):${cls}([\\s>/])`, 'g'), `<$1$2:${other}$3`));
    },
  },
  {
    name: 'the class namespace changed',
    oracle: 'refuse',
    apply(xml, r, seed) {
      const uri = seed.exp.resourceUri!;
      if (seed.exp.operation === 'delete' || seed.exp.operation === 'release' || !xml.includes(`"${uri}"`) || !bodyHolds(seed)) return undefined;
      const cls = uri.slice(uri.lastIndexOf('/') + 1);
      const other = pick(r, ALL_CLASSES.filter((c) => c !== cls));
      const decl = new RegExp(`(xmlns:\\w+\\s*=\\s*")${escapeRe(uri)}"`);
      return decl.test(xml) ? utf8(xml.replace(decl, `$1${uri.slice(0, uri.lastIndexOf('/') + 1)}${other}"`)) : undefined;
    },
  },
  {
    name: 'an illegal character reference in a text',
    oracle: 'refuse',
    apply(xml, r) {
      const texts = positions(xml, />([^<]+)</);
      if (texts.length === 0) return undefined;
      const at = pick(r, texts).index + 1;
      return utf8(xml.slice(0, at) + pick(r, ['&#0;', '&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#x110000;', '&#1;', '&#x1F;', '&#;', '&#xZ;']) + xml.slice(at));
    },
  },
  {
    name: 'bytes that are not UTF-8',
    oracle: 'refuse',
    apply(xml, r) {
      const bytes = utf8(xml);
      const at = Math.floor(r() * bytes.length);
      const bad = pick(r, [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xfe]]);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
    },
  },
  {
    name: 'a character XML forbids',
    oracle: 'refuse',
    apply(xml, r) {
      const at = Math.floor(r() * xml.length);
      return utf8(xml.slice(0, at) + pick(r, ['\u0000', '\u0001', '\u0008', '\u000b', '\u001f', '\ufffe', '\uffff']) + xml.slice(at));
    },
  },
  {
    name: 'a DOCTYPE with entities',
    oracle: 'refuse',
    apply(xml, r) {
      const decl = xml.indexOf('?>');
      const at = decl >= 0 ? decl + 2 : 0;
      const dtd = pick(r, ['<!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;&x;&x;">]>', '<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '<!DOCTYPE a SYSTEM "http://127.0.0.1:9/x.dtd">']);
      return utf8(xml.slice(0, at) + dtd + xml.slice(at));
    },
  },
  {
    name: 'cut short',
    oracle: 'refuse',
    apply(xml, r) {
      const end = xml.lastIndexOf('>');
      return utf8(xml.slice(0, Math.floor(r() * end)));
    },
  },
  {
    name: 'a closing tag lost',
    oracle: 'refuse',
    apply(xml, r) {
      const closes = positions(xml, /<\/[^>]+>/);
      if (closes.length === 0) return undefined;
      const m = pick(r, closes);
      return utf8(xml.slice(0, m.index) + xml.slice(m.index + m[0].length));
    },
  },
  {
    name: 'nesting past the depth limit',
    oracle: 'refuse',
    apply(xml, r) {
      const [start, end] = rootSpan(xml);
      const at = start + Math.floor(r() * (end - start));
      const gt = xml.indexOf('>', at) + 1;
      if (gt <= 0 || gt >= end) return undefined;
      const depth = 100 + Math.floor(r() * 5000);
      return utf8(xml.slice(0, gt) + '<d>'.repeat(depth) + '</d>'.repeat(depth) + xml.slice(gt));
    },
  },
  {
    name: 'prefixes renamed',
    oracle: 'preserve',
    apply(xml, r) {
      const prefixes = [...new Set(positions(xml, /xmlns:(\w+)=/).map((m) => m[1]!))].filter((p) => p !== 'xml');
      if (prefixes.length === 0) return undefined;
      const p = pick(r, prefixes);
      const q = `n${Math.floor(r() * 1000)}x`;
      const tagRe = new RegExp(`(<\\/?|\\s)${p}:`, 'g');
      return utf8(xml.replace(/<[^>]*>/g, (tag) => tag.replace(tagRe, `$1${q}:`).replace(`xmlns:${p}=`, `xmlns:${q}=`)));
    },
  },
  {
    name: 'comments and processing instructions between elements',
    oracle: 'preserve',
    apply(xml, r) {
      const gaps = positions(xml, />(\s*)</);
      if (gaps.length === 0) return undefined;
      let out = xml;
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) {
        const g = pick(r, positions(out, />(\s*)</));
        const at = g.index + 1;
        out = out.slice(0, at) + pick(r, ['<!-- a comment -->', '<?pi data?>', '<!---->', '<!-- <b:Action>x</b:Action> -->']) + out.slice(at);
      }
      return utf8(out);
    },
  },
  {
    name: 'characters written as references',
    oracle: 'preserve',
    apply(xml, r) {
      const texts = positions(xml, />([^<&]+)</).filter((m) => m[1]!.trim() !== '');
      if (texts.length === 0) return undefined;
      const m = pick(r, texts);
      const text = m[1]!;
      const i = Math.floor(r() * text.length);
      const cp = text.codePointAt(i)!;
      if (cp >= 0xdc00 && cp <= 0xdfff) return undefined;
      const ref = pick(r, [`&#${cp};`, `&#x${cp.toString(16)};`, `&#x${cp.toString(16).toUpperCase()};`, ...(text[i] === '>' ? ['&gt;'] : [])]);
      const written = text.slice(0, i) + ref + text.slice(i + String.fromCodePoint(cp).length);
      return utf8(xml.slice(0, m.index + 1) + written + xml.slice(m.index + 1 + text.length));
    },
  },
  {
    name: 'a text as CDATA',
    oracle: 'preserve',
    apply(xml, r) {
      const texts = positions(xml, /(<[\w:]+>)([^<&\]]+)(<\/)/).filter((m) => m[2]!.trim() !== '');
      if (texts.length === 0) return undefined;
      const m = pick(r, texts);
      const at = m.index + m[1]!.length;
      return utf8(xml.slice(0, at) + `<![CDATA[${m[2]}]]>` + xml.slice(at + m[2]!.length));
    },
  },
  {
    name: 'other quotes and spaces in tags',
    oracle: 'preserve',
    apply(xml, r) {
      return utf8(
        xml.replace(/<([^!?/][^>]*?)(\/?)>/g, (tag, inner: string, slash: string) =>
          r() < 0.5 ? tag : `<${inner.replace(/="([^"']*)"/g, "='$1'").replace(/\s+(?=[\w:]+=)/g, () => pick(r, [' ', '\n\t', '  ']))}${pick(r, ['', ' ', '\n'])}${slash}>`,
        ),
      );
    },
  },
  {
    name: 'a random byte in the markup of an element with an end tag',
    oracle: 'either',
    apply(xml, r) {
      const tags = positions(xml, /<\/?[A-Za-z][^<>]*[^/]>/).filter((m) => !m[0].includes('"') && !m[0].includes("'"));
      if (tags.length === 0) return undefined;
      const m = pick(r, tags);
      const at = m.index + Math.floor(r() * m[0].length);
      const bytes = utf8(xml.slice(0, at));
      const rest = utf8(xml.slice(at));
      const op = r();
      const b = Buffer.from([Math.floor(r() * 256)]);
      if (op < 0.4) return Buffer.concat([bytes, b, rest.subarray(1)]);
      if (op < 0.7) return Buffer.concat([bytes, b, rest]);
      return Buffer.concat([bytes, rest.subarray(1)]);
    },
  },
];

function isDescendant(cls: string, ancestor: string): boolean {
  const parent = new Map(Object.entries(SUBCLASSES).flatMap(([p, cs]) => cs.split(' ').map((c) => [c, p] as [string, string])));
  for (let c: string | undefined = cls; c; c = parent.get(c)) if (c === ancestor) return true;
  return false;
}

/** True when the result depends on instances of the requested class's namespace. */
function bodyHolds(seed: Seed): boolean {
  return ['get', 'put', 'enumerate', 'pull', 'invoke'].includes(seed.exp.operation) && JSON.stringify(seed.result ?? null).includes('"namespace"') || seed.exp.operation === 'invoke';
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function loadSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const file of listXml(FIXTURES)) {
    const xml = readFileSync(file, 'utf8');
    let exp: ReplyExpectation | undefined;
    try {
      exp = requestFor(xml);
      if (!exp) continue;
      seeds.push({ file: path.relative(FIXTURES, file), xml, exp, result: clientResult(utf8(xml), exp) });
    } catch {
      // A recorded reply the client itself refuses (a request copy, a hand-edited value) is no seed.
    }
  }
  return seeds;
}

test(`mutated recorded AMT replies: typed refusal or the original result (seed ${SEED}, ${CASES} cases)`, { timeout: 300_000 }, async (t) => {
  const seeds = loadSeeds();
  assert.ok(seeds.length >= 200, `expected the recorded replies under ${FIXTURES} as seeds, found ${seeds.length}`);
  const r = rng(SEED);
  const tally = new Map<string, { accepted: number; refused: number }>();
  const failures: string[] = [];
  let done = 0;
  for (let i = 0; done < CASES && i < CASES * 10; i++) {
    const seed = pick(r, seeds);
    const mutation = pick(r, MUTATIONS);
    const bytes = mutation.apply(seed.xml, r, seed);
    if (!bytes) continue;
    done++;
    const row = tally.get(mutation.name) ?? { accepted: 0, refused: 0 };
    tally.set(mutation.name, row);
    let result: unknown;
    let refusedWith: unknown;
    try {
      // One case in 16 goes through the sliced parser the client uses for large replies.
      result = done % 16 === 0 ? resultOf(await parseEnvelopeAsync(bytes, { sliceMs: 0 }), seed.exp) : clientResult(bytes, seed.exp);
    } catch (err) {
      refusedWith = err;
    }
    const where = `case ${done} (${mutation.name} on ${seed.file})`;
    if (refusedWith !== undefined) {
      row.refused++;
      if (!(refusedWith instanceof AmtError)) failures.push(`${where}: crashed with ${String(refusedWith)}`);
      else if (mutation.oracle === 'preserve') failures.push(`${where}: refused a reply that only was written differently: ${refusedWith.message}`);
      continue;
    }
    row.accepted++;
    if (mutation.oracle === 'refuse') {
      failures.push(`${where}: accepted a reply that should have been refused`);
      continue;
    }
    try {
      assert.deepStrictEqual(result, seed.result);
    } catch {
      failures.push(`${where}: accepted with a different result`);
    }
  }
  for (const [name, row] of tally) t.diagnostic(`${name}: ${row.refused} refused, ${row.accepted} accepted`);
  t.diagnostic(`seed ${SEED}: ${done} cases over ${seeds.length} recorded replies, ${failures.length} failures`);
  assert.equal(done, CASES, 'every case found a mutation that applies');
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${done} cases failed`);
});
