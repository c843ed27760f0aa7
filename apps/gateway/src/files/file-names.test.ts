import { describe, expect, it } from 'vitest';
import { cleanFileName, contentDisposition } from './file-names.ts';

describe('cleanFileName', () => {
  it('keeps the last path segment only, for either separator', () => {
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(cleanFileName('dir/')).toBe('file');
  });

  it('drops control and direction-override characters (no "exe.jpg" that is really .exe)', () => {
    expect(cleanFileName('photo\u202egpj.exe')).toBe('photogpj.exe');
    expect(cleanFileName('a\u0000b\nc.txt')).toBe('abc.txt');
  });

  it('never answers an empty, dot or dot-dot name', () => {
    for (const name of ['', '   ', '.', '..', '\u0007']) expect(cleanFileName(name)).toBe('file');
  });

  it('cuts long names to 255 code units, keeping the extension, without splitting a surrogate pair', () => {
    const cut = cleanFileName(`${'😀'.repeat(200)}.jpeg`);
    expect(cut.length).toBeLessThanOrEqual(255);
    expect(cut.endsWith('.jpeg')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact name in RFC 8187 form', () => {
    expect(contentDisposition('attachment', 'Résumé "final".pdf')).toBe(
      `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
    expect(contentDisposition('inline', "it's (1).png")).toBe(`inline; filename="it's (1).png"; filename*=UTF-8''it%27s%20%281%29.png`);
  });
});
