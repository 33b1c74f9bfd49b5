// Public face of the schedule module: YAML programmes -> validated programmes -> occurrences.
export * from './types.js';
export { programmeSchema, scheduleFileSchema, scheduleJsonSchema, type RawProgramme } from './schema.js';
export { Expander } from './expand.js';
export { ZoneOffsets, isValidZone } from './local-time.js';
export { type ValidationContext } from './normalize.js';
export { validateScheduleText, hasErrors, sortDiagnostics, type FileResult } from './validate-file.js';
export { parseScheduleText } from './yaml-source.js';
export {
  listScheduleFiles,
  loadSchedules,
  horizon,
  isScheduleFile,
  DEFAULT_HORIZON_DAYS,
  type ScheduleLoad,
  type LoadOptions,
} from './load.js';
export { ScheduleService, type ScheduleServiceDeps, type ScheduleEvents } from './schedule-service.js';
export {
  toScheduleItem,
  formatPreviewLine,
  formatLocalRange,
  occurrencesPerDay,
  pick,
  type ScheduleItem,
} from './views.js';
export { formatDiagnostic, fileStatusNote } from './format.js';
export { scheduleMessage, staffLanguage, type MessageKey } from './messages.js';
export { MAX_LISTED_PROBLEMS, MAX_FILE_BYTES, MAX_DOCUMENTS, MAX_PROGRAMMES_PER_FILE, MAX_OCCURRENCES_PER_FILE } from './limits.js';
