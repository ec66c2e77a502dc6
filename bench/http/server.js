// The Node side of bench/http/run.sh: the same routes as HttpBench.
const http = require('http');
const port = +process.argv[2];
const block = Buffer.alloc(64 * 1024, 'x');
http.createServer((req, res) => {
  if (req.url === '/') {
    res.setHeader('Content-Type', 'text/plain');
    res.end('Hello, World!');
  } else if (req.url === '/echo') {
    const chunks = [];
    req.on('data', d => chunks.push(d));
    req.on('end', () => { res.setHeader('Content-Type', 'application/octet-stream'); res.end(Buffer.concat(chunks)); });
  } else if (req.url.startsWith('/stream')) {
    let remaining = req.url.includes('bytes=') ? +req.url.split('=')[1] : 2 ** 30;
    res.setHeader('Content-Type', 'application/octet-stream');
    const pump = () => {
      while (remaining > 0) {
        const chunk = remaining >= block.length ? block : block.subarray(0, remaining);
        remaining -= chunk.length;
        if (!res.write(chunk)) { res.once('drain', pump); return; }
      }
      res.end();
    };
    pump();
  } else { res.statusCode = 404; res.end(); }
}).listen(port, '127.0.0.1', () => console.log('listening'));
