export {
  createDb,
  DEFAULT_POOL_MAX,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  READ_TIMEOUT_GRACE_MS,
  type Db,
  type CreateDbOptions,
} from './client/create-db.ts';
export { isDatabaseUnavailable, isPoolWaitTimeout } from './client/unavailable.ts';
export { warmDb, warmPool } from './client/warm-pool.ts';
export { isRetryableDbError } from './repos/db-errors.ts';
export { PrismaClient, Prisma, type ConversationKind, type MessageKind } from './generated/prisma/client.ts';
export { migrate, type MigrateOptions, type MigrateResult } from './migrate/migrate.ts';
export { MigrationError, isMigrationError, type MigrationErrorReason } from './migrate/migration-error.ts';
export { defaultMigrationsDir } from './migrate/migration-files.ts';
export {
  startEmbeddedPostgres,
  freePort,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresHandle,
} from './embedded/embedded-postgres.ts';
export { choosePostgresDir, type PostgresDir, type PostgresDirOptions } from './embedded/postgres-dir.ts';
export {
  createUser,
  findUserByHandle,
  getUsers,
  searchUsers,
  recordLastSeen,
  lastSeenOf,
  type NewUser,
  type UserWithPassword,
  type SearchUsersInput,
} from './repos/users.ts';
export {
  createSession,
  findActiveSession,
  findSocketSession,
  revokeSession,
  listActiveSessions,
  revokeUserSession,
  revokeOtherSessions,
  touchSessions,
  purgeSessions,
  type NewSession,
  type SessionInfo,
  type ActiveSession,
} from './repos/sessions.ts';
export {
  updateDisplayName,
  passwordHashOf,
  changePasswordHash,
  deleteAccount,
  DELETED_USER_NAME,
  DELETED_HANDLE_PREFIX,
  type AccountDeletion,
  type GroupLeft,
} from './repos/accounts.ts';
export {
  openDirectConversation,
  createGroupConversation,
  addMembers,
  removeMember,
  renameConversation,
  setMemberRole,
  setHistoryVisibility,
  type ConversationChange,
  isMember,
  memberIds,
  conversationIdsOfUser,
  contactIdsOf,
  contactsOfMany,
  contactsAmong,
  recheckSocket,
  type SocketRecheck,
  directKeyOf,
} from './repos/conversations.ts';
export {
  accessLogHead,
  accessChangesAfter,
  membershipsAmong,
  activeSessionsAmong,
  pruneAccessChanges,
  type AccessChange,
} from './repos/access-changes.ts';
export {
  listConversations,
  getConversation,
  MAX_UNREAD_COUNT,
  type ConversationMember,
  type ConversationSummary,
} from './repos/conversation-summaries.ts';
export { setNotifyLevel, setDoNotDisturb, setPushContent, notificationSettingsOf, effectiveNotifyLevel } from './repos/notifications.ts';
export {
  savePushSubscription,
  deletePushSubscription,
  deletePushSubscriptionsOfSession,
  deleteGonePushSubscription,
  anyPushSubscription,
  vapidKeyPair,
  type NewPushSubscription,
} from './repos/push-subscriptions.ts';
export {
  messagePushRecipients,
  callPushRecipients,
  type PushRecipient,
  type MessagePushAudience,
  type CallPushAudience,
} from './repos/push-recipients.ts';
export { setActiveView, clearActiveView, clearNodeViews, renewActiveViews } from './repos/active-views.ts';
export { runExclusive, JOB_LOCK_KEYS, type JobLock } from './repos/job-locks.ts';
export { markRead } from './repos/messages.ts';
export {
  createUpload,
  fileForDownload,
  claimUploadsToRemove,
  forgetUploads,
  type NewUpload,
  type StoredUpload,
  uploadWithUploader,
} from './repos/uploads.ts';
export { eventsAfter, historyPage, type EventPage, type MessagePage } from './repos/event-reads.ts';
export { createdEventOf } from './repos/mappers.ts';
export { historyWindow, type MessageWindow, type WindowInput } from './repos/history-window.ts';
export { searchMessages, searchSql, SEARCH_CONFIG, type SearchMessagesInput } from './repos/message-search.ts';
export {
  createCall,
  acceptCall,
  declineCall,
  leaveCall,
  expireRingingCalls,
  getCall,
  markSeatsStale,
  freeStaleSeats,
  renewSeats,
  liveCallsForUser,
  toCallInfo,
  type CallChange,
} from './repos/calls.ts';
export {
  createMessageWriter,
  type MessageWriter,
  type MessageWriterOptions,
  type MessageWriterStats,
  type SubmitResult,
  DEFAULT_MAX_QUEUED,
} from './writer/message-writer.ts';
export type { SendInput } from './writer/commit-batch.ts';
export type { MessageAction, ActionOutcome } from './writer/commit-action.ts';
export type { Audience } from './writer/audience.ts';
export { visibleSeq, visibleMessage, messageFromFor } from './repos/visibility.ts';
export { createScratchDatabase, type ScratchDatabase } from './admin/scratch-database.ts';
