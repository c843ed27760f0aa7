import { describe, expect, it } from 'vitest';
import { findLinks, safeHref } from './links.ts';

const hrefs = (text: string) => findLinks(text).map((l) => l.href);
const texts = (text: string) => findLinks(text).map((l) => l.text);

describe('findLinks', () => {
  it('finds http, https, www and mailto links with their offsets', () => {
    const text = 'see https://example.org/a?b=1#c and www.parley.chat or mailto:ana@example.org';
    const links = findLinks(text);
    expect(links.map((l) => l.href)).toEqual(['https://example.org/a?b=1#c', 'https://www.parley.chat/', 'mailto:ana@example.org']);
    for (const l of links) expect(text.slice(l.start, l.end)).toBe(l.text);
  });

  it('links bare e-mail addresses, but not @mentions', () => {
    expect(hrefs('write to ana.lima+chat@example.co.uk, @bob')).toEqual(['mailto:ana.lima+chat@example.co.uk']);
    expect(hrefs('hi @bob and @ana_lima')).toEqual([]);
  });

  it('leaves sentence punctuation and unopened brackets out of the link', () => {
    expect(texts('Read https://example.org/page.')).toEqual(['https://example.org/page']);
    expect(texts('(see https://example.org/x)')).toEqual(['https://example.org/x']);
    expect(texts('https://en.wikipedia.org/wiki/Foo_(bar) rocks')).toEqual(['https://en.wikipedia.org/wiki/Foo_(bar)']);
    expect(texts('is it https://example.org/?!')).toEqual(['https://example.org/']);
    expect(texts('"https://example.org/q"')).toEqual(['https://example.org/q']);
  });

  it('never makes a link of another scheme', () => {
    expect(hrefs('javascript:alert(1)')).toEqual([]);
    expect(hrefs('JaVaScRiPt:alert(document.cookie)//https')).toEqual([]);
    expect(hrefs('data:text/html,<script>alert(1)</script>')).toEqual([]);
    expect(hrefs('vbscript:msgbox file:///etc/passwd ftp://x.org')).toEqual([]);
    // Only the https part after another scheme's prefix is a link, and it is a plain https URL.
    expect(hrefs('javascript:https://evil.example/')).toEqual(['https://evil.example/']);
  });

  it('does not glue a link to the word before it', () => {
    expect(hrefs('xhttps://example.org')).toEqual([]);
    expect(hrefs('foowww.example.org')).toEqual([]);
  });

  it('stops at markup characters, so HTML in the text stays text', () => {
    const links = findLinks('<a href="https://example.org/x">click</a>');
    expect(links.map((l) => l.href)).toEqual(['https://example.org/x']);
    expect(links[0]!.text).not.toContain('"');
    expect(texts('https://example.org/<script>alert(1)</script>')).toEqual(['https://example.org/']);
  });

  it('hands the href over as the URL parser normalised it', () => {
    expect(hrefs("https://example.org/it's")).toEqual(["https://example.org/it's"]);
    expect(hrefs('https://example.org/a{b}')).toEqual(['https://example.org/a%7Bb%7D']);
    expect(hrefs('HTTPS://EXAMPLE.org/A')).toEqual(['https://example.org/A']);
  });

  it('ignores bare schemes and hosts without a name', () => {
    expect(hrefs('https:// and www. and mailto: and http://')).toEqual([]);
  });
});

describe('safeHref', () => {
  it('accepts only http, https and mailto', () => {
    expect(safeHref('https://example.org')).toBe('https://example.org/');
    expect(safeHref('http://localhost:3000/x')).toBe('http://localhost:3000/x');
    expect(safeHref('mailto:ana@example.org')).toBe('mailto:ana@example.org');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref(' javascript:alert(1)')).toBeNull();
    expect(safeHref('java\tscript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('mailto:')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
  });
});
