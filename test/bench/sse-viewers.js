// N Server-Sent Events viewers in their own process (started by live-viewers.bench.ts through child_process.fork),
// so the api's process does not pay for the clients it serves. Each viewer keeps only what the bench needs: the
// arrival time of each message id and the bytes received.
'use strict';
const http = require('node:http');

const [url, countText] = process.argv.slice(2);
const count = Number(countText);
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const viewers = [];

function connect(index) {
  return new Promise((resolve, reject) => {
    const viewer = { bytes: 0, ids: [], times: [], snapshots: 0, tail: '', ended: false, request: undefined };
    viewer.request = http.get(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`viewer ${index}: HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        viewer.bytes += Buffer.byteLength(chunk);
        const now = Date.now();
        // A message's end can only be in this chunk (or span its first byte): a national snapshot is many chunks,
        // and splitting the whole tail again for each of them would cost the square of its size.
        const end = chunk.lastIndexOf('\n\n');
        if (end < 0 && !(chunk.startsWith('\n') && viewer.tail.endsWith('\n'))) {
          viewer.tail += chunk;
          return;
        }
        const text = viewer.tail + chunk;
        const blocks = text.split('\n\n');
        viewer.tail = blocks.pop();
        for (const block of blocks) {
          const m = /^id: (\d+)\nevent: (\w+)/.exec(block);
          if (!m) continue;
          if (m[2] === 'snapshot') {
            viewer.snapshots += 1;
            if (viewer.snapshots === 1) resolve(viewer);
          }
          viewer.ids.push(Number(m[1]));
          viewer.times.push(now);
        }
      });
      res.on('close', () => (viewer.ended = true));
    });
    viewer.request.on('error', reject);
  });
}

function lagsOf(viewer, created) {
  // created: [position, at] ascending by position; ids ascending: two pointers
  const lags = [];
  let j = 0;
  for (const [position, at] of created) {
    while (j < viewer.ids.length && viewer.ids[j] < position) j++;
    if (j < viewer.ids.length) lags.push(viewer.times[j] - at);
  }
  return lags;
}

process.on('message', async (message) => {
  if (message.type === 'connect') {
    const started = Date.now();
    for (let i = 0; i < count; i += 100) {
      const batch = [];
      for (let k = i; k < Math.min(count, i + 100); k++) batch.push(connect(k));
      viewers.push(...(await Promise.all(batch)));
    }
    for (const v of viewers) v.bytesAtStart = v.bytes;
    const firsts = viewers.map((v) => v.bytesAtStart).sort((a, b) => a - b);
    process.send({ type: 'connected', ms: Date.now() - started, snapshotBytes: firsts[Math.floor(firsts.length / 2)] });
  } else if (message.type === 'measure') {
    const { created, last, from } = message;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && viewers.some((v) => !v.ended && (v.ids[v.ids.length - 1] ?? -1) < last)) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const minutes = (Date.now() - from) / 60_000;
    const lags = [];
    let behind = 0;
    for (const v of viewers) {
      const l = lagsOf(v, created);
      if (l.length < created.length) behind += 1;
      for (const x of l) lags.push(x);
    }
    lags.sort((a, b) => a - b);
    const perViewerMB = viewers.map((v) => (v.bytes - v.bytesAtStart) / 1e6 / minutes).sort((a, b) => a - b);
    const pick = (arr, p) => arr[Math.min(arr.length - 1, Math.floor((p / 100) * arr.length))];
    process.send({
      type: 'measured',
      lags: { p50: pick(lags, 50), p95: pick(lags, 95), p99: pick(lags, 99), max: lags[lags.length - 1] },
      mbPerViewerMinute: { median: pick(perViewerMB, 50), max: perViewerMB[perViewerMB.length - 1] },
      updatesPerViewer: pick(
        viewers.map((v) => v.ids.length).sort((a, b) => a - b),
        50,
      ),
      snapshotsAfterStart: viewers.reduce((n, v) => n + v.snapshots - 1, 0),
      viewersEnded: viewers.filter((v) => v.ended).length,
      viewersMissingUpdates: behind,
    });
    for (const v of viewers) v.request.destroy();
    setTimeout(() => process.exit(0), 100);
  }
});
