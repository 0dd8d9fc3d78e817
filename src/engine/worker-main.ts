/** The entry of a worker thread when logsift runs as a library (the CLI bundle is its own entry). */
import { serveWorker } from './worker.js';

serveWorker();
