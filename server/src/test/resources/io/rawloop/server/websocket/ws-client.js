// npm's ws as a client of our server: prints one line per event, for NodeWsPeerTest.
const WebSocket = require('ws');
const ws = new WebSocket(process.argv[2]);
let messages = 0;
let ponged = false;
const done = () => { if (messages === 3 && ponged) ws.close(1000, 'bye'); };
ws.on('open', () => {
  ws.send('héllo');
  ws.send(Buffer.from([1, 2, 3]));
  ws.send('frag', { fin: false });
  ws.send('mented', { fin: true });
  ws.ping('p');
});
ws.on('message', (data, isBinary) => {
  console.log(isBinary ? 'binary ' + data.toString('hex') : 'text ' + data.toString());
  messages++;
  done();
});
ws.on('pong', data => { console.log('pong ' + data); ponged = true; done(); });
ws.on('close', (code) => { console.log('close ' + code); process.exit(0); });
ws.on('error', e => { console.log('error ' + e.message); process.exit(1); });
