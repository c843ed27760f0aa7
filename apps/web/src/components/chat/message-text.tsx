'use client';
import { useMemo } from 'react';
import type { PublicUser } from '@parley/protocol';
import { safeHref } from '../../lib/links.ts';
import { mentionResolver, parseMessageText } from '../../lib/rich-text.ts';

interface Props {
  body: string;
  members: readonly PublicUser[];
  /** The server's resolved mentions; undefined while the message is still sending. */
  mentions: readonly string[] | undefined;
  meId: string;
}

/**
 * A message body as React elements: text nodes (so markup in it is shown, never run), links
 * that open in a new tab without handing it our window, and mentions as highlighted names.
 */
export function MessageText({ body, members, mentions, meId }: Props) {
  const segments = useMemo(() => parseMessageText(body, mentionResolver(members, mentions)), [body, members, mentions]);
  return segments.map((segment, i) => {
    switch (segment.type) {
      case 'text':
        return segment.text;
      case 'link': {
        // Checked again where it becomes an attribute: the parser is not the only line of defence.
        const href = safeHref(segment.href);
        return href === null ? (
          segment.text
        ) : (
          <a key={i} className="message-link" href={href} target="_blank" rel="noopener noreferrer">
            {segment.text}
          </a>
        );
      }
      case 'mention':
        return (
          <span key={i} className={`mention${segment.user.id === meId ? ' is-me' : ''}`} title={`@${segment.user.handle}`} data-user-id={segment.user.id}>
            @{segment.user.displayName}
          </span>
        );
    }
  });
}
