import { expect } from 'chai';
import { DeliveryWatch, parseSs, rtmpEndpoint } from '../../../src/media/delivery-watch.js';

describe('DeliveryWatch: an RTMP receiver judged by the bytes it acknowledges', () => {
  const watch = (): DeliveryWatch => new DeliveryWatch({ handshakeTimeoutMs: 10_000, stallMs: 8_000 });

  it('fails a connection stuck in the RTMP handshake after the handshake timeout, once', () => {
    const w = watch();
    w.observe('relay', 1538, 0); // SYN + C0C1 acknowledged, no answer
    w.observe('relay', 1538, 9_000);
    expect(w.due(9_000)).to.deep.equal([]);
    const [v] = w.due(10_000);
    expect(v).to.deep.include({ destination: 'relay', stuckMs: 10_000 });
    expect(v!.detail).to.include('has not completed the RTMP handshake in 10 s');
    expect(w.due(20_000)).to.deep.equal([]);
  });

  it('fails a receiver that stops acknowledging mid-stream, not one that keeps taking data', () => {
    const w = watch();
    for (let t = 0; t <= 20_000; t += 2_000) {
      w.observe('live', 100_000 + t * 50, t);
      w.observe('frozen', t <= 4_000 ? 100_000 + t * 50 : 300_000, t);
    }
    const due = w.due(20_000);
    expect(due.map((d) => d.destination)).to.deep.equal(['frozen']);
    expect(due[0]!.detail).to.include('has acknowledged nothing of what was sent for 16 s');
  });

  it('starts afresh on a new connection, and judges no destination without one', () => {
    const w = watch();
    w.observe('relay', 500_000, 0);
    w.observe('relay', undefined, 5_000); // dropped: ffmpeg reconnects (stderr says so)
    w.observe('relay', 40_000, 7_000); // a new connection, fewer bytes so far
    w.observe('relay', 40_000, 14_000);
    expect(w.due(14_000)).to.deep.equal([]);
    w.observe('gone', undefined, 0);
    expect(w.due(60_000).map((d) => d.destination)).to.deep.equal(['relay']);
  });

  it('tells once when a receiver takes the stream, again only after it froze or dropped, and never for a frozen one', () => {
    const w = watch();
    w.observe('relay', undefined, 0); // nothing listens yet
    w.observe('relay', 1538, 1_000); // a first sight proves nothing: a frozen receiver's kernel acknowledges too
    expect(w.back()).to.deep.equal([]);
    w.observe('relay', 90_000, 6_000);
    expect(w.back()).to.deep.equal(['relay']);
    w.observe('relay', 180_000, 11_000);
    expect(w.back(), 'already taking it').to.deep.equal([]);
    w.observe('relay', 180_000, 30_000); // froze
    expect(w.due(30_000).map((d) => d.destination)).to.deep.equal(['relay']);
    w.observe('relay', 180_000, 35_000);
    expect(w.back(), 'still frozen').to.deep.equal([]);
    w.observe('relay', undefined, 36_000); // ffmpeg reconnects, and the receiver takes it again
    w.observe('relay', 50_000, 41_000);
    w.observe('relay', 140_000, 46_000);
    expect(w.back()).to.deep.equal(['relay']);
    w.observe('relay', 140_000, 60_000); // and a later freeze is a new failure
    expect(w.due(60_000).map((d) => d.destination)).to.deep.equal(['relay']);
    // A server that goes away mid-stream (ffmpeg's retries fail, stderr says so) and comes back.
    w.observe('relay', 500_000, 65_000);
    w.observe('relay', 600_000, 70_000);
    expect(w.back(), 'taking it again after the freeze').to.deep.equal(['relay']);
    w.observe('relay', undefined, 75_000);
    w.observe('relay', 30_000, 80_000);
    expect(w.back(), 'a new connection, not yet growing').to.deep.equal([]);
    w.observe('relay', 90_000, 85_000);
    expect(w.back(), 'back after the drop').to.deep.equal(['relay']);
    const hole = watch();
    hole.observe('hole', 1538, 0);
    hole.observe('hole', 1538, 20_000);
    expect(hole.back(), 'stuck in the handshake').to.deep.equal([]);
  });

  it('reads ss: bytes acknowledged per peer, for the processes asked about only', () => {
    const text = [
      '0      0      127.0.0.1:44688 127.0.0.1:1935 users:(("ffmpeg",pid=42,fd=4))',
      '\t bbr wscale:10,10 rto:204 bytes_sent:2719776 bytes_acked:2719777 bytes_received:3671 segs_out:3374',
      '0      0      [::ffff:10.0.0.2]:50000 [::ffff:10.0.0.9]:1935 users:(("ffmpeg",pid=43,fd=5))',
      '\t cubic bytes_acked:1538',
      '0      0      127.0.0.1:4369  127.0.0.1:1935 users:(("other",pid=7,fd=5))',
      '\t bbr bytes_acked:6',
    ].join('\n');
    expect([...parseSs(text, (pid) => pid === 42 || pid === 43)]).to.deep.equal([
      ['127.0.0.1:1935', 2719777],
      ['10.0.0.9:1935', 1538],
    ]);
    expect(rtmpEndpoint('rtmp://a.rtmp.youtube.com/live2/key')).to.deep.equal({ host: 'a.rtmp.youtube.com', port: 1935 });
    expect(rtmpEndpoint('rtmp://[::1]:1936/live')).to.deep.equal({ host: '::1', port: 1936 });
    expect(rtmpEndpoint('/data/hls/x/index.m3u8')).to.equal(undefined);
  });
});
