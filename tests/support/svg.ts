import { createRequire } from 'node:module';
import { expect } from 'vitest';

export interface SvgElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
}

export interface SvgDocument {
  readonly documentElement: { readonly nodeName: string };
  getElementsByTagName(name: string): ArrayLike<SvgElement> & Iterable<SvgElement>;
}

/** jsdom (it ships no types; the few members used here) parses XML strictly: a malformed document throws. */
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (text: string, options: { contentType: string }) => { window: { document: SvgDocument } } };

/** Parses a chart as XML, so an unclosed tag or a stray `&` fails the test. */
export function parseSvg(text: string): SvgDocument {
  const { document } = new JSDOM(text, { contentType: 'image/svg+xml' }).window;
  expect(document.documentElement.nodeName).toBe('svg');
  return document;
}

/** The text of every element of this name, in document order. */
export function textsOf(document: SvgDocument, tag: string): (string | null)[] {
  return [...document.getElementsByTagName(tag)].map((element) => element.textContent);
}
