// Escaping for the mini-languages inside ffmpeg arguments. Each level of ffmpeg's
// parser (av_get_token) removes one backslash level, so a value that crosses two
// parsers is escaped twice. Kept in one place because getting it wrong is silent.

/** Backslash-escapes every character of `chars` (and the backslash itself). */
function escapeChars(value: string, chars: string): string {
  const set = new Set([...chars, '\\']);
  let out = '';
  for (const c of value) out += set.has(c) ? `\\${c}` : c;
  return out;
}

/** A value inside one filter's options (`key=value:key=value`) inside a filtergraph. */
export function escapeFilterValue(value: string): string {
  // First the option parser (':' separates options, quotes group), then the graph
  // parser (',' ';' '[' ']' separate filters and pads).
  return escapeChars(escapeChars(value, "':"), "'[],;");
}

/** A tee slave's option value (`[k=v:k=v]`): the slave token, then the option list. */
export function escapeTeeOption(value: string): string {
  if (value.includes(']')) throw new Error(`a tee option value cannot contain "]": ${value}`);
  return escapeChars(value, "':|=");
}

/** A whole tee slave (`[options]filename`) as one token between '|' separators. */
export function escapeTeeSlave(slave: string): string {
  return escapeChars(slave, "'|");
}
