// The tally extension's module, published as 'kiln:tally': a Tally counts named things.
//
//   import { Tally } from 'kiln:tally';
//   const votes = new Tally();
//   votes.add('yes');              // 1
//   await votes.addLater('no', 2, 10);   // 2, ten milliseconds later
//   votes.count('yes');            // 1
//   votes.close();
import {
  op_tally_add,
  op_tally_add_later,
  op_tally_close,
  op_tally_count,
  op_tally_open,
} from 'ext:core/ops';

function checkKey(method, key) {
  if (typeof key !== 'string') {
    throw new TypeError(
      `Failed to execute '${method}' on 'Tally': the key must be a string, received ${typeof key}.`);
  }
}

function checkAmount(method, amount) {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new TypeError(
      `Failed to execute '${method}' on 'Tally': the amount must be a finite number.`);
  }
}

export class Tally {
  // The resource id of the native counts (a TallyResource); null once closed.
  #rid;

  constructor() {
    this.#rid = op_tally_open();
  }

  #open(method) {
    if (this.#rid === null) {
      throw new TypeError(`Failed to execute '${method}' on 'Tally': the tally is closed.`);
    }
    return this.#rid;
  }

  // Adds `amount` (default 1) to `key`; returns the new count.
  add(key, amount = 1) {
    checkKey('add', key);
    checkAmount('add', amount);
    return op_tally_add(this.#open('add'), key, amount);
  }

  // Adds `amount` to `key` after `delayMs` milliseconds; resolves with the new count.
  addLater(key, amount, delayMs) {
    try {
      checkKey('addLater', key);
      checkAmount('addLater', amount);
      return op_tally_add_later(this.#open('addLater'), key, amount, delayMs);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  // The count of `key`: 0 if nothing was added to it.
  count(key) {
    checkKey('count', key);
    return op_tally_count(this.#open('count'), key);
  }

  // Releases the native counts; pending addLater promises reject. Closing twice is a no-op.
  close() {
    if (this.#rid === null) return;
    const rid = this.#rid;
    this.#rid = null;
    op_tally_close(rid);
  }

  get closed() {
    return this.#rid === null;
  }
}
