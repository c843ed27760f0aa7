-- Message search (PROTOCOL.md "messages.search") and faster people search.
--
-- Both extensions ship with Postgres' contrib (also in embedded-postgres) and are trusted, so
-- a database owner can create them without being a superuser.
CREATE EXTENSION IF NOT EXISTS "unaccent";
CREATE EXTENSION IF NOT EXISTS "pg_trgm";
-- GIN operator classes for plain types (uuid here), for the two-column index below.
CREATE EXTENSION IF NOT EXISTS "btree_gin";

-- One configuration for every language: `simple` (lowercase, no stemming, no stopwords: a
-- Spanish, Russian or Japanese word is matched as written) behind `unaccent` (café = cafe,
-- straße = strasse). Stemming would need the message's language, which we do not know.
CREATE TEXT SEARCH CONFIGURATION "parley_search" (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION "parley_search"
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
  WITH "unaccent", simple;

-- Generated from the current body, so an edit re-indexes the message and a deletion (body '')
-- empties its vector: no application code keeps it. Adding a STORED column rewrites the table
-- once (an exclusive lock for as long as that takes on a large existing database).
ALTER TABLE "messages" ADD COLUMN "search_tsv" tsvector
  GENERATED ALWAYS AS (to_tsvector('parley_search'::regconfig, "body")) STORED;

-- Conversation first: a search is always confined to the searcher's conversations, and GIN
-- intersects the conversation's entry with the words' entries inside the index, so only
-- matching messages of those conversations are read from the table (with search_tsv alone,
-- every match in every conversation was read and then thrown away).
CREATE INDEX "messages_search_idx" ON "messages" USING GIN ("conversation_id", "search_tsv");

-- users.search: handle prefix and display-name substring (ILIKE) both use trigrams.
CREATE INDEX "users_handle_trgm_idx" ON "users" USING GIN ("handle" gin_trgm_ops);
CREATE INDEX "users_display_name_trgm_idx" ON "users" USING GIN ("display_name" gin_trgm_ops);
