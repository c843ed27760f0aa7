import { z } from 'zod';
import { IdSchema, PublicUserSchema } from './models.ts';

/** Ringing stops after this long without an answer: the call is missed. */
export const RING_TIMEOUT_MS = 30_000;

/** Largest SDP a client may relay, in characters (a mesh of 4 with video stays far below). */
export const MAX_SDP_CHARS = 32 * 1024;

/** Largest ICE candidate line, in characters. */
export const MAX_CANDIDATE_CHARS = 1024;

/** Most participants in one (mesh) call. */
export const MAX_CALL_PARTICIPANTS = 4;

export const CallMediaSchema = z.enum(['audio', 'video']);
export type CallMedia = z.infer<typeof CallMediaSchema>;

/**
 * How a call ended. `missed`: nobody answered before RING_TIMEOUT_MS; `declined`: every callee
 * declined; `cancelled`: the caller hung up while it rang; `completed`: it was answered and
 * everyone left; `failed`: the server ended it (e.g. the caller's node went away).
 */
export const CallEndReasonSchema = z.enum(['missed', 'declined', 'cancelled', 'completed', 'failed']);
export type CallEndReason = z.infer<typeof CallEndReasonSchema>;

export const CallParticipantSchema = z.object({
  userId: IdSchema,
  /** The socket (device) that took the call for this user; signaling is addressed to it. */
  connectionId: z.string().min(1).max(64),
  joinedAt: z.iso.datetime({ offset: true }),
});
export type CallParticipant = z.infer<typeof CallParticipantSchema>;

export const CallInfoSchema = z.object({
  id: IdSchema,
  conversationId: IdSchema,
  media: CallMediaSchema,
  callerId: IdSchema,
  state: z.enum(['ringing', 'active', 'ended']),
  participants: z.array(CallParticipantSchema),
  startedAt: z.iso.datetime({ offset: true }),
  answeredAt: z.iso.datetime({ offset: true }).nullable(),
  endedAt: z.iso.datetime({ offset: true }).nullable(),
  endReason: CallEndReasonSchema.nullable(),
});
export type CallInfo = z.infer<typeof CallInfoSchema>;

export const SessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string().max(MAX_SDP_CHARS),
});

export const IceCandidateSchema = z.object({
  candidate: z.string().max(MAX_CANDIDATE_CHARS),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});

/** What one peer sends another: a description (offer/answer) or a trickled candidate. */
export const SignalDataSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('description'), description: SessionDescriptionSchema }),
  z.object({ kind: z.literal('candidate'), candidate: IceCandidateSchema.nullable() }),
]);
export type SignalData = z.infer<typeof SignalDataSchema>;

// ---------------------------------------------------------------- client -> server

/** Start a call in a conversation: every other member's devices ring. */
export const CallInviteFrameSchema = z.object({
  type: z.literal('call_invite'),
  /** Client-chosen UUID, so a retried invite is idempotent and the caller knows the id at once. */
  callId: IdSchema,
  conversationId: IdSchema,
  media: CallMediaSchema,
});

/** Answer a ringing call (or join a running group call) on this device. */
export const CallAcceptFrameSchema = z.object({ type: z.literal('call_accept'), callId: IdSchema });

/** Refuse a ringing call: stops ringing on all of this user's devices. */
export const CallDeclineFrameSchema = z.object({ type: z.literal('call_decline'), callId: IdSchema });

/** Leave the call (the caller leaving while it rings cancels it). */
export const CallHangupFrameSchema = z.object({ type: z.literal('call_hangup'), callId: IdSchema });

/** Relay SDP or ICE to one participant's device; only participants of the call may. */
export const CallSignalFrameSchema = z.object({
  type: z.literal('call_signal'),
  callId: IdSchema,
  toConnectionId: z.string().min(1).max(64),
  data: SignalDataSchema,
});

// ---------------------------------------------------------------- server -> client

/** Someone calls you: ring on this device until call_update says otherwise. */
export const CallRingFrameSchema = z.object({
  type: z.literal('call_ring'),
  call: CallInfoSchema,
  caller: PublicUserSchema,
});

/**
 * The call changed: someone joined or left, it ended, or (for you) it stopped ringing because
 * you `answered_elsewhere` or `declined_elsewhere` on another device.
 */
export const CallUpdateFrameSchema = z.object({
  type: z.literal('call_update'),
  call: CallInfoSchema,
  ringStopped: z.enum(['answered_elsewhere', 'declined_elsewhere']).optional(),
});

/** A relayed signal from a participant's device. */
export const CallSignalInFrameSchema = z.object({
  type: z.literal('call_signal_in'),
  callId: IdSchema,
  fromConnectionId: z.string(),
  fromUserId: IdSchema,
  data: SignalDataSchema,
});

export type CallInviteFrame = z.infer<typeof CallInviteFrameSchema>;
export type CallAcceptFrame = z.infer<typeof CallAcceptFrameSchema>;
export type CallDeclineFrame = z.infer<typeof CallDeclineFrameSchema>;
export type CallHangupFrame = z.infer<typeof CallHangupFrameSchema>;
export type CallSignalFrame = z.infer<typeof CallSignalFrameSchema>;
export type CallRingFrame = z.infer<typeof CallRingFrameSchema>;
export type CallUpdateFrame = z.infer<typeof CallUpdateFrameSchema>;
export type CallSignalInFrame = z.infer<typeof CallSignalInFrameSchema>;
