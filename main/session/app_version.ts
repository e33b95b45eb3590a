// The app version written into every session file (the file format has its own version, schema.ts).
import pkg from '../../package.json' with { type: 'json' };

export const APP_VERSION: string = pkg.version;
