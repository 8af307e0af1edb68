// Learning-loop benchmark: 30 daily audits of a synthetic cluster with recurring drift (see
// scenario.ts). A simulated person labels every finding from the scenario's ground truth the
// day it appears; after each audit, induction and the evaluation gate run over all labels so
// far (minSupport 5), and the person approves every candidate the gate accepts. Active rules
// start empty: nothing is shipped.
//
// Two modes replay the same days. By default the backend itself (real.ts): files,
// DefaultDriftService on SQLite, DefaultSkillsService, DefaultLearningService, and the audit
// model over HTTP on loopback, so the figures are the product's. With --simulated, the pure
// functions of plugin-hermes-common with a simulated model (simulated.ts), in seconds.
//
// --scale N multiplies the cluster: N times the objects and the drift of every pattern.
//
// Run: npm run bench:learning [-- --seed N --scale N --simulated]
import { runReal } from './real';
import { readArgs } from './scenario';
import { runSimulated } from './simulated';

const { seed, scale } = readArgs(3);
if (process.argv.includes('--simulated')) runSimulated(seed, scale);
else
  runReal(seed, scale).catch(error => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  });
