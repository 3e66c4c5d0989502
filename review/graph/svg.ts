// `smtppolicy graph`: one SVG per server. Left, the IPv4 space on a Hilbert curve (16 × 16
// /8s, split where the policy's prefixes split them), each cell coloured by what a client
// there may do, with its CIDR, category and deciding policy line as its tooltip (<title>)
// and in data- attributes; right, the legend with exact counts and the IPv6 prefixes the
// policy uses; below, the relay path. Output is a pure function of the policy: no dates,
// no random ids, numbers printed exactly.

import { describeCounts, countsOf } from '../counts.js';
import type { SideTexts } from '../locations.js';
import { CATEGORIES, CATEGORY_COLOURS, CATEGORY_WORDS, type ServerMap } from './categories.js';
import { ipv4Cells, ipv6Blocks } from './cells.js';
import { hilbertPoint } from './hilbert.js';
import { decidingProbe } from './hover.js';
import { relayPathRows } from './relay-paths.js';
import { escapeXml } from './xml.js';

/** The map's side in pixels: 32 per /8, so a /16 is 2 pixels and a /24 an eighth of one. */
const MAP = 512;
const MARGIN = 16;
const TOP = 48;
const PANEL_X = MARGIN + MAP + 32;
const WIDTH = PANEL_X + 480;
const ROW = 18;

export interface SvgOptions {
  /** Text of the policy's files, for the deciding line's text in tooltips. */
  texts?: SideTexts;
  /** Appended to the title: `before`, `after`. */
  caption?: string;
}

export interface ServerPicture {
  /** A complete <svg> element. */
  markup: string;
  width: number;
  height: number;
}

export function serverSvg(map: ServerMap, options: SvgOptions = {}): ServerPicture {
  const body: string[] = [];
  const title = `server ${map.name}${options.caption ? ` (${options.caption})` : ''}: who may do what, by client address`;
  body.push(`<text x="${MARGIN}" y="28" font-size="18" font-weight="bold">${escapeXml(title)}</text>`);

  body.push(`<g class="ipv4-map" transform="translate(${MARGIN} ${TOP})">`);
  for (const cell of ipv4Cells(map.sets)) {
    const probe = decidingProbe(map, cell.category, cell.first);
    const source = probe?.decidedBy ?? null;
    const line = source === null ? undefined : options.texts?.lineText(source);
    const hover = `${cell.cidr}: ${CATEGORY_WORDS[cell.category]}${source === null ? '' : ` (${source}${line ? `: ${line}` : ''})`}`;
    const [left, top, size] = [cell.x * MAP, cell.y * MAP, cell.size * MAP];
    body.push(
      `<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="${CATEGORY_COLOURS[cell.category]}" data-cidr="${cell.cidr}" data-category="${cell.category}"${source === null ? '' : ` data-source="${escapeXml(source)}"`}><title>${escapeXml(hover)}</title></rect>`,
    );
  }
  // The /8 grid and a label per /8 (its first octet), over the cells and ignored by the pointer.
  body.push('<g class="grid" pointer-events="none" fill="none" stroke="#ffffff" stroke-width="0.5">');
  for (let i = 0; i <= 16; i++) body.push(`<line x1="${i * 32}" y1="0" x2="${i * 32}" y2="${MAP}"/><line x1="0" y1="${i * 32}" x2="${MAP}" y2="${i * 32}"/>`);
  body.push('</g><g class="labels" pointer-events="none" font-size="8" fill="#333333">');
  for (let octet = 0; octet < 256; octet++) {
    const at = hilbertPoint(16, octet);
    body.push(`<text x="${at.x * 32 + 2}" y="${at.y * 32 + 9}">${octet}</text>`);
  }
  body.push('</g></g>');

  // Legend with exact counts, then the IPv6 prefixes in use.
  let y = TOP + 12;
  body.push(`<g class="legend" font-size="12">`);
  for (const category of CATEGORIES) {
    body.push(`<rect x="${PANEL_X}" y="${y - 10}" width="12" height="12" fill="${CATEGORY_COLOURS[category]}"/>`);
    body.push(`<text x="${PANEL_X + 18}" y="${y}">${escapeXml(`${CATEGORY_WORDS[category]}: ${describeCounts(countsOf(map.sets[category]))}`)}</text>`);
    y += ROW;
  }
  body.push('</g>');
  y += ROW;
  body.push(`<text x="${PANEL_X}" y="${y}" font-size="13" font-weight="bold">IPv6 prefixes in use</text>`);
  y += ROW;
  body.push('<g class="ipv6" font-size="12">');
  const { background, blocks } = ipv6Blocks(map.sets);
  for (const block of blocks) {
    body.push(`<rect x="${PANEL_X}" y="${y - 10}" width="12" height="12" fill="${CATEGORY_COLOURS[block.category]}" data-cidr="${block.cidr}" data-category="${block.category}"><title>${escapeXml(`${block.cidr}: ${CATEGORY_WORDS[block.category]}`)}</title></rect>`);
    body.push(`<text x="${PANEL_X + 18}" y="${y}">${escapeXml(`${block.cidr}: ${CATEGORY_WORDS[block.category]}`)}</text>`);
    y += ROW;
  }
  body.push(`<rect x="${PANEL_X}" y="${y - 10}" width="12" height="12" fill="${CATEGORY_COLOURS[background]}"/>`);
  body.push(`<text x="${PANEL_X + 18}" y="${y}" data-background="${background}">${escapeXml(`${blocks.length === 0 ? 'all of it' : 'everything else'}: ${CATEGORY_WORDS[background]}`)}</text>`);
  y += ROW;
  body.push('</g>');

  // The relay path, below the map and the panel.
  let py = Math.max(TOP + MAP, y) + 36;
  body.push(`<text x="${MARGIN}" y="${py}" font-size="14" font-weight="bold">Relay path: who may relay without logging in, and which lines let them</text>`);
  py += ROW + 4;
  const rows = relayPathRows(map);
  body.push('<g class="relay-path" font-size="12">');
  if (rows.length === 0) body.push(`<text x="${MARGIN}" y="${py}">nobody: no way in reaches a relay grant without logging in</text>`);
  for (const row of rows) {
    body.push(`<text x="${MARGIN}" y="${py}" data-path="${row.kind}">${escapeXml(`${row.listener} · ${row.kind}: ${row.clients}`)}</text>`);
    py += ROW;
    body.push(`<text x="${MARGIN + 16}" y="${py}">${escapeXml(`→ ${row.way}`)}</text>`);
    py += ROW;
    for (const line of row.lines) {
      const text = options.texts?.lineText(line.source);
      body.push(`<text x="${MARGIN + 16}" y="${py}" data-source="${escapeXml(line.source)}">${escapeXml(`→ ${line.entry} at ${line.source}${text ? `: ${text}` : ''}`)}</text>`);
      py += ROW;
    }
  }
  body.push('</g>');

  const height = Math.max(py, y) + MARGIN;
  const markup = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" data-server="${escapeXml(map.name)}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
  return { markup, width: WIDTH, height };
}
