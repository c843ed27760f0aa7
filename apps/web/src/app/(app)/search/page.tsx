'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import type { PublicUser } from '@parley/protocol';
import { SearchView } from '../../../components/search/search-view.tsx';
import { queryKeys } from '../../../lib/query-keys.ts';
import { searchFormOf } from '../../../lib/search-form.ts';

function Search() {
  const params = useSearchParams();
  const me = useQueryClient().getQueryData<{ user: PublicUser } | null>(queryKeys.me)?.user;
  const form = searchFormOf(params);
  // key: a new search starts with its own form state.
  return <SearchView key={params.toString()} form={form} meId={me?.id ?? ''} />;
}

export default function SearchPage() {
  return (
    <Suspense>
      <Search />
    </Suspense>
  );
}
