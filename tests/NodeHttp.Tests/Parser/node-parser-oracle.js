'use strict';
// Runs cases through Node's own HTTP parser (llhttp behind node_http_parser.cc) and prints what it saw.
// Input: one JSON object per line {type: 1|2, lenient, maxHeaderSize, pieces: [base64...]}.
// Output: one JSON object per line {events: [...], result: {...}}, in the same order.
const { HTTPParser } = require('_http_common');
const readline = require('readline');

const hex = (s) => Buffer.from(s, 'latin1').toString('hex');
const kOnMessageBegin = 0, kOnHeaders = 1, kOnHeadersComplete = 2, kOnBody = 3, kOnMessageComplete = 4;

function run(c) {
  const parser = new HTTPParser();
  parser.initialize(c.type, {}, c.maxHeaderSize, c.lenient);
  const events = [];
  let pendingHeaders = [];
  let pendingUrl = '';
  let body = [];
  const flushBody = () => {
    if (body.length) { events.push('body ' + Buffer.concat(body).toString('hex')); body = []; }
  };
  parser[kOnMessageBegin] = () => { flushBody(); pendingHeaders = []; pendingUrl = ''; events.push('begin'); };
  parser[kOnHeaders] = (headers, url) => { pendingHeaders.push(...headers); pendingUrl += url || ''; };
  parser[kOnHeadersComplete] = (major, minor, headers, method, url, statusCode, statusMessage, upgrade, keepAlive) => {
    const all = pendingHeaders.concat(headers || []);
    const fullUrl = pendingUrl + (url || '');
    pendingHeaders = []; pendingUrl = '';
    // llhttp ends every 101 response and every upgrade in a tunnel (PAUSED_UPGRADE), whatever the flag says.
    lastUpgrade = !!upgrade || (c.type === 2 && statusCode === 101);
    events.push(['head', c.type === 1 ? method : statusCode, hex(c.type === 1 ? fullUrl : statusMessage),
      major + '.' + minor, upgrade ? 1 : 0, keepAlive ? 1 : 0, all.map(hex).join(',')].join(' '));
    return 0;
  };
  parser[kOnBody] = (b) => { body.push(Buffer.from(b)); };
  parser[kOnMessageComplete] = () => {
    flushBody();
    if (pendingHeaders.length) { events.push('trailers ' + pendingHeaders.map(hex).join(',')); pendingHeaders = []; }
    pendingUrl = '';
    if (lastUpgrade) upgraded = true;
    events.push('complete');
  };
  let lastUpgrade = false;
  let upgraded = false;
  let result = null;
  for (let i = 0; i < c.pieces.length && result === null; i++) {
    const buf = Buffer.from(c.pieces[i], 'base64');
    const r = parser.execute(buf);
    if (r instanceof Error) {
      flushBody();
      result = { piece: i, code: r.code, reason: r.reason, at: r.bytesParsed };
    } else if (upgraded) {
      flushBody();
      result = { piece: i, code: 'UPGRADE', at: r };
    } else if (r !== buf.length) {
      // The binding hides parse errors once the message is flagged as an upgrade: only the offset shows.
      flushBody();
      result = { piece: i, code: 'STOP', at: r };
    }
  }
  if (result === null) {
    const f = parser.finish();
    flushBody();
    result = f instanceof Error ? { piece: -1, code: f.code, reason: f.reason } : { piece: -1, code: 'OK' };
  }
  parser.close();
  return { events, result };
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
const out = [];
rl.on('line', (line) => {
  if (!line) return;
  let res;
  try { res = run(JSON.parse(line)); } catch (e) { res = { events: [], result: { code: 'THROW', reason: String(e) } }; }
  out.push(JSON.stringify(res));
  if (out.length >= 256) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
});
rl.on('close', () => { if (out.length) process.stdout.write(out.join('\n') + '\n'); });
