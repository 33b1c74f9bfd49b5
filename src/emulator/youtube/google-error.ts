// Google's error body, as the YouTube API sends it and googleapis turns into a GaxiosError:
// {"error":{"code","message","errors":[{"domain","reason","message"}],"status"}}.

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: Array<{ domain: string; reason: string; message: string; location?: string; locationType?: string }>;
    status: string;
  };
}

/** An API call the emulator refuses; the router turns it into Google's body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly domain = 'youtube.api',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): GoogleErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ domain: this.domain, reason: this.reason, message: this.message }],
        status: STATUS_NAMES[this.code] ?? 'UNKNOWN',
      },
    };
  }
}

export const errors = {
  required: (param: string): ApiError =>
    new ApiError(400, 'required', `Required parameter: ${param}`, 'global'),
  invalidValue: (param: string, message?: string): ApiError =>
    new ApiError(400, 'invalidValue', message ?? `Invalid value for parameter: ${param}`, 'youtube.parameter'),
  incompatibleParameters: (): ApiError =>
    new ApiError(
      400,
      'incompatibleParameters',
      'Incompatible parameters specified in the request: specify exactly one of id, mine, broadcastStatus.',
      'youtube.parameter',
    ),
  unauthorized: (message = 'Request had invalid authentication credentials. Expected OAuth 2 access token.'): ApiError =>
    new ApiError(401, 'authError', message, 'global'),
  quotaExceeded: (): ApiError =>
    new ApiError(
      403,
      'quotaExceeded',
      'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.',
      'youtube.quota',
    ),
  rateLimitExceeded: (code: 403 | 429): ApiError =>
    new ApiError(code, 'rateLimitExceeded', 'The request cannot be completed because you have exceeded the rate limit.', 'youtube.quota'),
  backendError: (code = 503): ApiError => new ApiError(code, 'backendError', 'Backend Error', 'global'),
  broadcastNotFound: (): ApiError =>
    new ApiError(404, 'liveBroadcastNotFound', 'Broadcast not found', 'youtube.liveBroadcast'),
  streamNotFound: (): ApiError => new ApiError(404, 'liveStreamNotFound', 'Stream not found', 'youtube.liveStream'),
  chatNotFound: (): ApiError => new ApiError(404, 'liveChatNotFound', 'The live chat that you are trying to retrieve cannot be found.', 'youtube.liveChat'),
  chatEnded: (): ApiError => new ApiError(403, 'liveChatEnded', 'The specified live chat is no longer live.', 'youtube.liveChat'),
  chatDisabled: (): ApiError => new ApiError(403, 'liveChatDisabled', 'Live chat is not enabled for the specified broadcast.', 'youtube.liveChat'),
  messageNotFound: (): ApiError => new ApiError(404, 'liveChatMessageNotFound', 'The live chat message that you are trying to delete cannot be found.', 'youtube.liveChat'),
  banNotFound: (): ApiError => new ApiError(404, 'liveChatBanNotFound', 'The ban that you are trying to delete cannot be found.', 'youtube.liveChat'),
  streamInactive: (): ApiError => new ApiError(403, 'errorStreamInactive', 'Stream is inactive', 'youtube.liveBroadcast'),
  redundantTransition: (): ApiError =>
    new ApiError(403, 'redundantTransition', 'Redundant transition', 'youtube.liveBroadcast'),
  invalidTransition: (message = 'Invalid transition'): ApiError =>
    new ApiError(403, 'invalidTransition', message, 'youtube.liveBroadcast'),
  bindingNotAllowed: (): ApiError =>
    new ApiError(403, 'liveBroadcastBindingNotAllowed', 'The current broadcast state does not allow binding.', 'youtube.liveBroadcast'),
  liveStreamingNotEnabled: (): ApiError =>
    new ApiError(403, 'liveStreamingNotEnabled', 'The user is not enabled for live streaming.', 'youtube.liveBroadcast'),
  notFound: (what: string): ApiError => new ApiError(404, 'notFound', `${what} not found`, 'global'),
  videoNotFound: (): ApiError => new ApiError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.', 'youtube.thumbnail'),
  mediaBodyRequired: (): ApiError => new ApiError(400, 'mediaBodyRequired', 'The request does not include the image content.', 'youtube.thumbnail'),
  invalidImage: (): ApiError => new ApiError(400, 'invalidImage', 'The provided image content is invalid.', 'youtube.thumbnail'),
};
