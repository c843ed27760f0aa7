/** A message of files without a caption, in words (libs/protocol: the push text says the same). */
export { attachmentsText as filesText } from '@parley/protocol';
