import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STATE, allowedActions, stateLabel, stateTone } from '../src/orders';

const at = (state: number, deadline: number) => ({ state, deadline });

test('buyer actions follow the v2 state machine', () => {
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'buyer', 99), []); // no paying for what has not shipped
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'buyer', 100), ['cancel']);
  assert.deepEqual(allowedActions(at(STATE.Shipped, 100), {}, 'buyer', 99), ['confirm', 'dispute']);
  assert.deepEqual(allowedActions(at(STATE.Shipped, 100), {}, 'buyer', 100), ['confirm', 'release']);
  assert.deepEqual(allowedActions(at(STATE.Disputed, 0), {}, 'buyer', 5), ['confirm']);
  assert.deepEqual(allowedActions(at(STATE.Completed, 0), {}, 'buyer', 5), ['review']);
  for (const s of [STATE.Refunded, STATE.Cancelled, STATE.Resolved, STATE.Reviewed]) {
    assert.deepEqual(allowedActions(at(s, 0), {}, 'buyer', 5), []);
  }
});

test('seller and arbiter actions', () => {
  assert.deepEqual(allowedActions(at(STATE.Paid, 100), {}, 'seller', 5), ['ship', 'refund']);
  assert.deepEqual(allowedActions(at(STATE.Disputed, 0), {}, 'seller', 5), ['refund']);
  assert.deepEqual(allowedActions(at(STATE.Disputed, 0), {}, 'arbiter', 5), ['resolve']);
  assert.deepEqual(allowedActions(at(STATE.Shipped, 100), {}, 'arbiter', 5), []);
});

test('labels and tones', () => {
  assert.equal(stateLabel(1), 'Awaiting shipment');
  assert.equal(stateLabel(7n), 'Resolved by arbiter');
  assert.equal(stateLabel(42), 'State 42');
  assert.equal(stateTone(STATE.Disputed), 'warn');
  assert.equal(stateTone(STATE.Reviewed), 'ok');
  assert.equal(stateTone(STATE.Refunded), 'off');
});
