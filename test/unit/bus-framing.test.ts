/**
 * The fan-out bus's binary framing (server/fanout/bus.ts): what one server publishes is what the
 * others read, extras included, and anything malformed reads as null (dropped), never a throw.
 */
import { describe, expect, it } from 'vitest';
import { decodeBusMessage, encodeBusMessage, type BusMessage } from '../../server/fanout/bus.ts';

const update = new Uint8Array([1, 2, 3, 4]);
const roundTrip = (m: BusMessage) => decodeBusMessage(encodeBusMessage(m));

describe('bus framing', () => {
  it('carries an update with and without client-id owners', () => {
    expect(roundTrip({ server: 's1', seq: 7, update })).toEqual({ server: 's1', seq: 7, update });
    expect(roundTrip({ server: 's1', seq: 8, update, owners: [[42, 'p-ana']] })).toEqual({ server: 's1', seq: 8, update, owners: [[42, 'p-ana']] });
  });

  it('carries awareness, an extension notice, or both, beside owners', () => {
    const awareness = new Uint8Array([9, 8, 7]);
    const notice = { extension: 'retro', payload: { people: ['p-ana'] }, mark: [[12345, 6]] as [number, number][] };
    expect(roundTrip({ server: 's2', seq: 0, update: new Uint8Array([0, 0]), awareness })).toMatchObject({ seq: 0, awareness });
    expect(roundTrip({ server: 's2', seq: 0, update: new Uint8Array([0, 0]), notice })).toEqual({ server: 's2', seq: 0, update: new Uint8Array([0, 0]), notice });
    const both = roundTrip({ server: 's2', seq: 3, update, owners: [[1, 'p-bo']], awareness, notice });
    expect(both).toEqual({ server: 's2', seq: 3, update, owners: [[1, 'p-bo']], awareness, notice });
  });

  it('reads a malformed frame or notice as null', () => {
    const valid = encodeBusMessage({ server: 's3', seq: 0, update: new Uint8Array([0, 0]), notice: { extension: 'retro', payload: null, mark: [] } });
    expect(decodeBusMessage(valid)).not.toBeNull();
    // A notice without its extension name, and one whose mark is not clock pairs.
    for (const bad of ['{"n":{"payload":1,"mark":[]}}', '{"n":{"extension":"retro","mark":[[1]]}}', '{"o":[]}', '{"a":5}']) {
      const extras = Buffer.from(bad, 'utf8');
      const head = 1 + valid[0] + 8;
      const frame = Buffer.concat([valid.subarray(0, head), Buffer.alloc(4), extras, Buffer.from([0, 0])]);
      frame.writeUInt32BE(extras.length, head);
      expect(decodeBusMessage(frame), bad).toBeNull();
    }
    expect(decodeBusMessage(Buffer.from([3, 1, 2]))).toBeNull();
  });
});
