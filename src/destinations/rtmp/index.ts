// Public face of the rtmp destination.
export { RtmpDestination, ingestUrl, type RtmpDestinationDeps } from './rtmp-destination.js';
