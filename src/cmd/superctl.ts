#!/usr/bin/env node
// The `superctl` binary: the command line (src/superctl).
import { runSuperctl } from '../superctl/program.js';

const code = await runSuperctl(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
process.exitCode = code;
