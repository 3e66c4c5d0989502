// Puts the graph's SVG into the page. The policy may come from anyone's link, and its text
// reaches the SVG (the deciding line in each tooltip); review/graph escapes it, and this
// checks the parsed result as well: markup that could run script (a <script>, a
// <foreignObject>, an on… attribute, a javascript: link) is refused, never shown.

const ACTIVE_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed']);

/** The SVG as an element of this document; throws when it is not SVG or could run script. */
export function svgElement(markup: string): Element {
  const parsed = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.nodeName !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) throw new Error('the graph is not a well-formed SVG document');
  for (const element of Array.from(parsed.getElementsByTagName('*'))) {
    if (ACTIVE_ELEMENTS.has(element.localName.toLowerCase())) throw new Error(`the graph holds a <${element.localName}> element`);
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on')) throw new Error(`the graph holds an ${name} attribute`);
      if ((name === 'href' || name === 'xlink:href') && !attribute.value.startsWith('#')) throw new Error(`the graph links to ${attribute.value}`);
    }
  }
  return document.importNode(root, true);
}
