// thumbnails.set as the emulator serves it: checks the upload is a JPEG or PNG under 2 MB
// and points the broadcast's thumbnails at i.ytimg.com as YouTube does.
import { ApiError, errors } from './google-error.js';
import type { EmulatorState } from './emulator-state.js';
import { etag, type LiveBroadcast } from './resources.js';

type Thumbnails = NonNullable<NonNullable<LiveBroadcast['snippet']>['thumbnails']>;

export function setThumbnail(state: EmulatorState, videoIdParam: string, image: Buffer): Record<string, unknown> {
  const entry = state.broadcasts.get(videoIdParam);
  if (!entry) throw errors.videoNotFound();
  if (image.length === 0) throw errors.mediaBodyRequired();
  const jpeg = image.indexOf(Buffer.from([0xff, 0xd8, 0xff])) >= 0;
  const png = image.indexOf(Buffer.from([0x89, 0x50, 0x4e, 0x47])) >= 0;
  if (!jpeg && !png) throw errors.invalidImage();
  if (image.length > 2 * 1024 * 1024) throw new ApiError(400, 'mediaBodyTooLarge', 'The image is larger than 2 MB.', 'youtube.thumbnail');
  entry.thumbnailBytes = image.length;
  const thumbs = thumbnailsFor(videoIdParam);
  entry.resource.snippet!.thumbnails = thumbs;
  return { kind: 'youtube#thumbnailSetResponse', etag: etag(thumbs), items: [thumbs] };
}

export function thumbnailsFor(id: string): Thumbnails {
  const u = (name: string): string => `https://i.ytimg.com/vi/${id}/${name}.jpg`;
  return {
    default: { url: u('default_live'), width: 120, height: 90 },
    medium: { url: u('mqdefault_live'), width: 320, height: 180 },
    high: { url: u('hqdefault_live'), width: 480, height: 360 },
  };
}
