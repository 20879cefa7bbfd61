// ByteLengthQueuingStrategy and CountQueuingStrategy (ext:streams/queuing_strategies.js),
// after https://streams.spec.whatwg.org/#qs.
import * as webidl from 'ext:webidl/webidl.js';
import {
  PlatformObjectBase, exposeMembers, platformObjectAllocator,
} from 'ext:webidl/platform_object.js';
import { NativeTypeError, inspectAs, inspectCustom } from './common.js';

const ReflectConstruct = Reflect.construct;

const convertQueuingStrategyInit = webidl.createDictionaryConverter('QueuingStrategyInit', [
  { key: 'highWaterMark', converter: webidl.converters['unrestricted double'], required: true },
]);

// The size functions: one of each per realm, not constructors, named "size".
const byteLengthSize = {
  size(chunk) {
    return chunk.byteLength;
  },
}.size;
const countSize = {
  size() {
    return 1;
  },
}.size;

let byteLengthHighWaterMark;

class ByteLengthQueuingStrategyMembers extends PlatformObjectBase {
  #highWaterMark;

  constructor(init) {
    super(ByteLengthQueuingStrategyMembers, ByteLengthQueuingStrategy, allocateByteLengthQueuingStrategy);
    const prefix = "Failed to construct 'ByteLengthQueuingStrategy'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    init = convertQueuingStrategyInit(init, prefix, 'Argument 1');
    this.#highWaterMark = init.highWaterMark;
  }

  get highWaterMark() {
    const value = byteLengthHighWaterMark(this);
    if (value === undefined) throw new NativeTypeError('Illegal invocation');
    return value;
  }

  get size() {
    if (byteLengthHighWaterMark(this) === undefined) throw new NativeTypeError('Illegal invocation');
    return byteLengthSize;
  }

  [inspectCustom](depth, options, inspect) {
    const value = byteLengthHighWaterMark(this);
    if (value === undefined) return this;
    return inspectAs('ByteLengthQueuingStrategy', { highWaterMark: value }, depth, options, inspect);
  }

  static {
    byteLengthHighWaterMark = (value) => (value !== null && typeof value === 'object' &&
                                          #highWaterMark in value ? value.#highWaterMark : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class ByteLengthQueuingStrategy extends Object {
  constructor(init) {
    return ReflectConstruct(ByteLengthQueuingStrategyMembers, arguments, new.target);
  }
}
exposeMembers(ByteLengthQueuingStrategy, ByteLengthQueuingStrategyMembers);
const allocateByteLengthQueuingStrategy = platformObjectAllocator(ByteLengthQueuingStrategy);
webidl.configureInterface(ByteLengthQueuingStrategy);

let countHighWaterMark;

class CountQueuingStrategyMembers extends PlatformObjectBase {
  #highWaterMark;

  constructor(init) {
    super(CountQueuingStrategyMembers, CountQueuingStrategy, allocateCountQueuingStrategy);
    const prefix = "Failed to construct 'CountQueuingStrategy'";
    webidl.requiredArguments(arguments.length, 1, prefix);
    init = convertQueuingStrategyInit(init, prefix, 'Argument 1');
    this.#highWaterMark = init.highWaterMark;
  }

  get highWaterMark() {
    const value = countHighWaterMark(this);
    if (value === undefined) throw new NativeTypeError('Illegal invocation');
    return value;
  }

  get size() {
    if (countHighWaterMark(this) === undefined) throw new NativeTypeError('Illegal invocation');
    return countSize;
  }

  [inspectCustom](depth, options, inspect) {
    const value = countHighWaterMark(this);
    if (value === undefined) return this;
    return inspectAs('CountQueuingStrategy', { highWaterMark: value }, depth, options, inspect);
  }

  static {
    countHighWaterMark = (value) => (value !== null && typeof value === 'object' &&
                                     #highWaterMark in value ? value.#highWaterMark : undefined);
  }
}

// The interface object of the members class above (ext:web/interface_object.js,
// "Interfaces whose members keep private fields"): its objects are platform
// objects, which structuredClone refuses.
export class CountQueuingStrategy extends Object {
  constructor(init) {
    return ReflectConstruct(CountQueuingStrategyMembers, arguments, new.target);
  }
}
exposeMembers(CountQueuingStrategy, CountQueuingStrategyMembers);
const allocateCountQueuingStrategy = platformObjectAllocator(CountQueuingStrategy);
webidl.configureInterface(CountQueuingStrategy);
