import { describe, expect, it } from 'vitest';
import { fileBadge, formatFileSize } from './file-upload.ts';

describe('formatFileSize', () => {
  it('reads like the server’s size limit (binary units, as libs/protocol has it)', () => {
    expect(formatFileSize(1)).toBe('1 byte');
    expect(formatFileSize(999)).toBe('999 bytes');
    expect(formatFileSize(1536)).toBe('1.5 KiB');
    expect(formatFileSize(25 * 1024 * 1024)).toBe('25 MiB');
  });
});

describe('fileBadge', () => {
  it('shows a short extension, else FILE', () => {
    expect(fileBadge('report.pdf')).toBe('PDF');
    expect(fileBadge('archive.tar.gz')).toBe('GZ');
    expect(fileBadge('.bashrc')).toBe('FILE');
    expect(fileBadge('noext')).toBe('FILE');
    expect(fileBadge('weird.<script>')).toBe('FILE');
  });
});
