export { startCoturn, turnserverAvailable, type Coturn } from './coturn.ts';
export { startLocalPushService, type LocalPushService, type LocalSubscription, type ReceivedPush, type PushBehaviour } from './local-push-service.ts';
export { decryptAes128gcm, newUserAgentKeys, verifyVapid, PushProtocolError, type UserAgentKeys, type VapidClaims } from './push-crypto.ts';
export { startFakeFcm, FCM_PUSH_HOSTS, type FakeFcm } from './fake-fcm.ts';
export type { FcmPush } from './fake-fcm-web-push.ts';
export type { FcmRegistration } from './fake-fcm-registry.ts';
