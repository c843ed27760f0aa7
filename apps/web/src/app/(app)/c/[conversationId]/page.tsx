'use client';
import { useParams } from 'next/navigation';
import { ChatView } from '../../../../components/chat/chat-view.tsx';

export default function ConversationPage() {
  const { conversationId } = useParams<{ conversationId: string }>();
  // key: a different conversation is a fresh view (scroll, history, composer draft).
  return <ChatView key={conversationId} conversationId={conversationId} />;
}
