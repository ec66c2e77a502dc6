// Node's net echo server for the comparison: node echo.js <port>
const net = require('net');
const port = Number(process.argv[2] || 0);
const server = net.createServer((socket) => {
  socket.on('error', () => {});
  socket.pipe(socket);
});
server.listen(port, '127.0.0.1', () => console.log('listening ' + server.address().port));
