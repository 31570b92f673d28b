// The filter's /regex/ terms are the browser's own RegExp (the DevTools dialect, no regex engine in
// the wasm): a pipe that compiles one, case-insensitive, or returns why it is invalid.
export function compileRegex(pattern) {
  try {
    return new RegExp(pattern, 'i');
  } catch (e) {
    // "Invalid regular expression: /(/i: Unterminated group" → "Unterminated group".
    return String(e?.message ?? e).split(': ').pop();
  }
}
