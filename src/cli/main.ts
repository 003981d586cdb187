import { runCli } from './program.js';

void runCli(process.argv).then((code) => {
  process.exitCode = code;
});
