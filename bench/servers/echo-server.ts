/**
 * The baseline for HTTP benchmarks: a minimal express 5 app whose main route
 * parses the JSON body and sends it back (any other route does the same, or
 * answers its path). Run as a child process
 * (bench/lib/child-server.ts); listens on PORT, stops on SIGTERM.
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/v1/orders', (req, res) => {
  res.json(req.body);
});
// Any other route (the soak suite's mixed workload): the body back, or the path for a GET.
app.use((req, res) => {
  res.json(req.body ?? { path: req.path });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');

const stop = () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
