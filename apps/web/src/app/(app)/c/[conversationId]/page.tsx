'use client';
import { useParams, useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { ChatView } from '../../../../components/chat/chat-view.tsx';
import { parseAtSeq } from '../../../../lib/search-links.ts';

function Conversation() {
  const { conversationId } = useParams<{ conversationId: string }>();
  // `?at=<seq>`: opened at a message (a search hit), with history loaded around it.
  const at = parseAtSeq(useSearchParams().get('at'));
  // key: a different conversation, or another message to open at, is a fresh view (scroll, history).
  return <ChatView key={`${conversationId}@${at ?? 'latest'}`} conversationId={conversationId} openAtSeq={at} />;
}

export default function ConversationPage() {
  return (
    <Suspense>
      <Conversation />
    </Suspense>
  );
}
