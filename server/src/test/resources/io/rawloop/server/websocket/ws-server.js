// npm's ws as a server for our client: echoes, prints its port and each close, for NodeWsPeerTest.
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => console.log('port ' + wss.address().port));
wss.on('connection', ws => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('close', code => console.log('closed ' + code));
});
process.stdin.on('end', () => process.exit(0));   // the test ends us by closing our stdin
process.stdin.resume();
