// `smtppolicy graph`: the SVG is well-formed XML (xmllint, as CI installs it), the same
// policy always gives the same bytes, and the map's cells of each colour are exactly the
// sets the analysis computes, which runtime/policy confirms on each cell's first address.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AddressSet } from '../../net/address-set.js';
import { cidrSet, connectableSet, peersOf, relayPaths, witnessRelays } from '../../compiler/index.js';
import { CATEGORIES, policyMaps, policySvg, SideTexts, type Category } from '../../review/index.js';
import { hilbertPoint } from '../../review/graph/hilbert.js';
import { compilePolicy, decideConnect } from '../../runtime/policy/index.js';
import type { RuntimeConfig } from '../../runtime/config/index.js';
import { requireTool } from '../helpers/tools.js';
import { runCli } from '../cli/run-cli.js';
import { compileTexts, server } from './review-policies.js';

const POLICY = server(
  '  connections except {\n    203.0.113.0/24\n    64.0.0.0/3\n  }\n  relay { 10.0.0.0/7 2001:db8::/32 198.51.100.7 }\n  proxy-protocol { 192.0.2.10 }',
  '0.0.0.0:25, [::]:25',
);

let config: RuntimeConfig;
let texts: Map<string, string>;
let dir: string;
before(async () => {
  ({ config, texts } = await compileTexts({ 'policy.smtppolicy': POLICY }));
  dir = await mkdtemp(join(tmpdir(), 'smtppolicy-graph-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The map's cells: every element with a CIDR and a category. */
function cells(svg: string): { cidr: string; category: Category; title: string }[] {
  return [...svg.matchAll(/<rect [^>]*data-cidr="([^"]+)" data-category="([a-z]+)"[^>]*><title>([^<]*)<\/title>/g)].map((m) => ({ cidr: m[1]!, category: m[2] as Category, title: m[3]! }));
}

/** What the analysis says, straight from the compiler's sets (the lint rules' own). */
function analysisSets(): Record<Category, AddressSet> {
  const s = config.servers[0]!;
  const relay = relayPaths(s).reduce((all, l) => l.paths.reduce((a, p) => a.union(p.clients), all), AddressSet.EMPTY);
  const peers = s.listen.reduce((all, l) => all.union(peersOf(l)), AddressSet.EMPTY);
  const proxy = cidrSet(s.proxyProtocol).intersect(peers).difference(relay);
  const connect = peers.difference(cidrSet(s.proxyProtocol)).intersect(connectableSet(s.connections)).difference(relay).difference(proxy);
  return { relay, proxy, connect, refused: AddressSet.ALL.difference(relay).difference(proxy).difference(connect) };
}

describe('smtppolicy graph', () => {
  it('writes well-formed SVG (xmllint), byte for byte the same each time', (t) => {
    const xmllint = requireTool(t, 'xmllint', 'libxml2-utils');
    if (xmllint === null) return;
    const svg = policySvg(config, new SideTexts(texts));
    assert.equal(policySvg(config, new SideTexts(texts)), svg);
    const checked = spawnSync(xmllint, ['--noout', '-'], { input: svg, encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stderr);
  });

  it('colours exactly the analysis sets: the cells of each colour add up to each set, IPv4 and IPv6', () => {
    const svg = policySvg(config);
    const found = cells(svg);
    const expected = analysisSets();
    // IPv6 is a list: the blocks of every category but the one that holds most of it ("everything else")
    const background = /data-background="([a-z]+)"/.exec(svg)?.[1];
    assert.equal(background, 'connect');
    for (const category of CATEGORIES) {
      const drawn = AddressSet.fromCidrs(found.filter((c) => c.category === category).map((c) => c.cidr));
      const ipv4 = expected[category].intersect(AddressSet.fromCidr('0.0.0.0/0'));
      const want = category === background ? ipv4 : expected[category];
      assert.ok(drawn.equals(want), `${category}: drawn ${drawn.toCidrs().join(' ')}, analysis ${want.toCidrs().join(' ')}`);
    }
    // and the IPv4 cells tile the map: every address once
    const sizes = found.filter((c) => !c.cidr.includes(':')).reduce((sum, c) => sum + (1n << BigInt(32 - Number(c.cidr.split('/')[1]))), 0n);
    assert.equal(sizes, 1n << 32n);
    assert.deepEqual(policyMaps(config)[0]!.sets.relay.toCidrs(), ['10.0.0.0/7', '192.0.2.10/32', '198.51.100.7/32', '2001:db8::/32']);
  });

  it('agrees with runtime/policy on each cell, and names the deciding line on hover', () => {
    const compiled = compilePolicy(config).servers[0]!;
    for (const cell of cells(policySvg(config, new SideTexts(texts))).filter((c) => !c.cidr.includes(':'))) {
      const first = cell.cidr.split('/')[0]!;
      if (cell.category === 'relay' && first !== '192.0.2.10') assert.ok(witnessRelays(compiled, { client: first }), `${cell.cidr} relays`);
      if (cell.category === 'refused') assert.equal(decideConnect(compiled, { clientAddress: first, reverseDns: { status: 'none' } }).decision, 'refuse', `${cell.cidr} is refused`);
      if (cell.category === 'connect') assert.equal(decideConnect(compiled, { clientAddress: first, reverseDns: { status: 'none' } }).decision, 'accept', `${cell.cidr} connects`);
    }
    const titles = cells(policySvg(config, new SideTexts(texts))).map((c) => c.title);
    assert.ok(titles.includes('10.0.0.0/8: may relay without logging in (policy.smtppolicy:9:11: relay { 10.0.0.0/7 2001:db8::/32 198.51.100.7 })'), titles.slice(0, 20).join('\n'));
    assert.ok(titles.includes('64.0.0.0/8: refused (policy.smtppolicy:7:5: 64.0.0.0/3)'));
  });

  it('places a block\'s four quarters inside its own square (the Hilbert curve nests)', () => {
    for (let d = 0; d < 64; d++) {
      const parent = hilbertPoint(8, d);
      for (let q = 0; q < 4; q++) {
        const child = hilbertPoint(16, 4 * d + q);
        assert.deepEqual([Math.floor(child.x / 2), Math.floor(child.y / 2)], [parent.x, parent.y], `cell ${4 * d + q}`);
      }
    }
  });

  it('writes the HTML page or the SVG the output name asks for, and refuses other names', async () => {
    await writeFile(join(dir, 'policy.smtppolicy'), POLICY);
    assert.equal((await runCli(['graph', 'policy.smtppolicy', '-o', 'map.html'], { cwd: dir })).code, 0);
    const html = await readFile(join(dir, 'map.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(html, /<div id="status">/);
    const svg = await runCli(['graph', 'policy.smtppolicy'], { cwd: dir });
    assert.match(svg.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    const png = await runCli(['graph', 'policy.smtppolicy', '-o', 'map.png'], { cwd: dir });
    assert.deepEqual([png.code, png.stderr], [2, "smtppolicy graph: cannot tell the format from 'map.png': name it .svg or .html, or give --format\n"]);
  });
});

