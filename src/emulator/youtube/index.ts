// Public face of the YouTube emulator (tests, `onair rehearse`, `onair emulator youtube`).
export { YoutubeEmulator, type YoutubeEmulatorOptions, type CallRecord, type IngestStats, type ViewerMessage } from './youtube-emulator.js';
export { EMULATOR_CLIENT, YOUTUBE_SCOPE, type OAuthClientCredentials } from './oauth-authority.js';
export { ApiError, type GoogleErrorBody } from './google-error.js';
export type { LiveBroadcast, LiveStream, LiveChatMessage } from './resources.js';
