// `prepare` runs `node scripts/skip-build.mjs || electron-vite build`: exit 0 skips the build.
// npm runs `prepare` when `npx promptdesk` installs the checkout into its npx cache (the first
// npx run in a checkout: a full build, about 10 s, that also rewrites out/ under the user).
// Under npx (npm_command=exec) an existing build is used as `node bin/promptdesk.js` would;
// `npm install` and `npm ci` always build.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const isUnderNpx = process.env.npm_command === 'exec';
const isBuilt = existsSync(join(process.cwd(), 'out', 'main', 'cli.js'));
process.exitCode = isUnderNpx && isBuilt ? 0 : 1;
