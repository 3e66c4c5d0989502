// The files `smtppolicy graph` and `smtppolicy diff --format html` write: one SVG with a
// picture per server stacked top to bottom, or an HTML page with the pictures inline (the
// policy line of a cell shows on hover, in its tooltip and in the page's status line),
// before and after side by side for a diff.

import type { RuntimeConfig } from '../../runtime/config/index.js';
import { compilePolicy } from '../../runtime/policy/index.js';
import type { DiffReport } from '../format/words.js';
import { formatDiffPretty } from '../format/pretty.js';
import type { SideTexts } from '../locations.js';
import { serverMap, type ServerMap } from './categories.js';
import { serverSvg } from './svg.js';
import { escapeXml } from './xml.js';

export function policyMaps(config: RuntimeConfig): ServerMap[] {
  return compilePolicy(config).servers.map(serverMap);
}

/** One SVG document: each server's picture, one below the other. */
export function policySvg(config: RuntimeConfig, texts?: SideTexts): string {
  const pictures = policyMaps(config).map((map) => serverSvg(map, texts ? { texts } : {}));
  const width = Math.max(0, ...pictures.map((p) => p.width));
  let y = 0;
  const placed = pictures.map((picture) => {
    const markup = picture.markup.replace('<svg ', `<svg y="${y}" `);
    y += picture.height;
    return markup;
  });
  return [`<?xml version="1.0" encoding="UTF-8"?>`, `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">`, ...placed, '</svg>', ''].join('\n');
}

/** An HTML page with every server's picture. */
export function policyHtml(config: RuntimeConfig, label: string, texts?: SideTexts): string {
  const sections = policyMaps(config).map((map) => `<section>\n${serverSvg(map, texts ? { texts } : {}).markup}\n</section>`);
  return page(`smtppolicy graph: ${label}`, sections.join('\n'));
}

/** Before and after side by side for each server, with the diff in words above them. */
export function diffHtml(report: DiffReport, before: RuntimeConfig, after: RuntimeConfig): string {
  const old = new Map(policyMaps(before).map((m) => [m.name, m]));
  const now = new Map(policyMaps(after).map((m) => [m.name, m]));
  const names = [...new Set([...now.keys(), ...old.keys()])];
  const sections = names.map((name) => {
    const side = (map: ServerMap | undefined, caption: string, texts: SideTexts) =>
      map === undefined ? `<div class="side"><p>no server ${escapeXml(name)} ${caption}</p></div>` : `<div class="side">${serverSvg(map, { texts, caption }).markup}</div>`;
    return `<section class="pair">\n${side(old.get(name), 'before', report.before.texts)}\n${side(now.get(name), 'after', report.after.texts)}\n</section>`;
  });
  const summary = `<pre class="summary">${escapeXml(formatDiffPretty(report))}</pre>`;
  return page(`smtppolicy diff: ${report.before.label} → ${report.after.label}`, `${summary}\n${sections.join('\n')}`);
}

function page(title: string, body: string): string {
  // The status line shows the tooltip of the cell under the pointer: the deciding policy line.
  const script = `document.addEventListener('mouseover', (e) => { const t = e.target.closest && e.target.closest('[data-cidr]'); if (t) document.getElementById('status').textContent = t.querySelector('title')?.textContent ?? ''; });`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeXml(title)}</title>`,
    '<style>body{font-family:sans-serif;margin:1em}section.pair{display:flex;gap:1em;flex-wrap:wrap}#status{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:.3em 0;min-height:1.2em;font-family:monospace}pre.summary{background:#f6f6f6;padding:.5em;overflow:auto}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeXml(title)}</h1>`,
    '<div id="status">Point at the map: the cell, what a client there may do, and the policy line that decides.</div>',
    body,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
