// Public face of the local destination: HLS under the data folder, and its archive.
export { LocalDestination, removeOldHls, type LocalDestinationDeps } from './local-destination.js';
export { LocalArchive, archiveParts } from './archive.js';
export { occurrenceFolder, hlsRoot, archiveRoot } from './paths.js';
