#!/usr/bin/env node
// The installed entry point: runs the prebuilt bundle (npm ci / npm run build
// makes dist/); TypeScript is never compiled at run time.
import { run } from '../dist/cli.js';

run();
