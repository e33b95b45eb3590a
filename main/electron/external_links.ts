// Links the app may hand to the user's browser with shell.openExternal: https only, and only to
// the pages the app itself links to (the project, the Intel SDM the event explanations cite).
// A page ends in a file name and matches exactly; a folder ends in '/' and matches what is under
// it. Anything else a page asks to open is dropped.

const ALLOWED = [
  'https://github.com/faultline-app/',
  'https://www.intel.com/content/www/us/en/developer/articles/technical/intel-sdm.html',
] as const;

export function isAllowedExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.port !== '') return false;
  // The parsed form is normalised, so "https://github.com/faultline-app/../x" cannot pass.
  const page = `${u.origin}${u.pathname}`;
  return ALLOWED.some((p) => (p.endsWith('/') ? page.startsWith(p) : page === p));
}
