// Test helpers other projects' tests may use (`@parley/gateway/testing`): the web's browser tests
// run the gateway against the same fake S3 as the gateway's own tests.
export { startFakeS3 } from './fake-s3.ts';
