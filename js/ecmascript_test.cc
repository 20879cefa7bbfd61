// ext:core/ecmascript.js: the ES2023/ES2024 built-ins V8 10.2 lacks, checked against the
// specification's results (values, error classes, property attributes), in a runtime with
// the core extension only.
#include <string>

#include "core/testing/runtime_fixture.h"
#include "gtest/gtest.h"

namespace kiln {
namespace {

using ::kiln::testing::RuntimeTest;

TEST_F(RuntimeTest, ArrayChangeByCopy) {
  ExpectEval("const a = [3, 1, , 2];"
             "[a.toSorted(), a.toReversed(), a.toSpliced(1, 1, 'x', 'y'), a.with(-1, 9), a]",
             "[\n"
             "  [ 1, 2, 3, undefined ],\n"
             "  [ 2, undefined, 1, 3 ],\n"
             "  [ 3, 'x', 'y', undefined, 2 ],\n"
             "  [ 3, 1, undefined, 9 ],\n"
             "  [ 3, 1, <1 empty item>, 2 ]\n"
             "]");
  ExpectEval("[[10, 9, 1].toSorted((x, y) => x - y), [10, 9, 1].toSorted(),"
             " [1, 2, 3].toSpliced(), [1, 2, 3].toSpliced(1), [1, 2, 3].toSpliced(-2, 1)]",
             "[ [ 1, 9, 10 ], [ 1, 10, 9 ], [ 1, 2, 3 ], [ 1 ], [ 1, 3 ] ]");
  // Generic over array-likes; the result is always a plain Array.
  ExpectEval("[Array.prototype.toReversed.call({ length: 2, 0: 'a', 1: 'b' }),"
             " Array.prototype.toSorted.call('cab'), Array.prototype.with.call('ab', 0, 'z')]",
             "[ [ 'b', 'a' ], [ 'a', 'b', 'c' ], [ 'z', 'b' ] ]");
  ExpectThrows("[].with(0, 1)", "RangeError: Invalid index : 0");
  ExpectThrows("[1].toSorted(1)",
               "TypeError: The comparison function must be either a function or undefined");
  ExpectThrows("Array.prototype.toReversed.call(null)",
               "TypeError: Array.prototype.toReversed called on null or undefined");
  ExpectThrows("Array.prototype.with.call({ length: 2 ** 32 }, 0, 1)",
               "RangeError: Invalid array length");
  ExpectThrows("new [].toSorted()", "TypeError: [].toSorted is not a constructor");
  ExpectEval("Object.keys(Array.prototype[Symbol.unscopables]).filter((k) => k.startsWith('to'))",
             "[ 'toReversed', 'toSorted', 'toSpliced' ]");
}

TEST_F(RuntimeTest, TypedArrayChangeByCopy) {
  ExpectEval("const t = new Float64Array([3, NaN, -0, 0, 1]); const s = t.toSorted();"
             "[s, Object.is(s[0], -0), t.toReversed(), t.with(0, '7'), t]",
             "[\n"
             "  Float64Array(5) [ -0, 0, 1, 3, NaN ],\n"
             "  true,\n"
             "  Float64Array(5) [ 1, 0, -0, NaN, 3 ],\n"
             "  Float64Array(5) [ 7, NaN, -0, 0, 1 ],\n"
             "  Float64Array(5) [ 3, NaN, -0, 0, 1 ]\n"
             "]");
  ExpectEval("[new BigUint64Array([1n, 2n]).with(0, 2n ** 64n - 1n),"
             " new BigInt64Array([1n]).with(-1, -3n)]",
             "[\n  BigUint64Array(2) [ 18446744073709551615n, 2n ],\n  BigInt64Array(1) [ -3n ]\n]");
  // TypedArrayCreateSameType: the intrinsic constructor, not a subclass.
  ExpectEval("class Mine extends Uint8Array {}"
             "[new Mine([2, 1]).toSorted(), new Mine(1).toReversed().constructor.name]",
             "[ Uint8Array(2) [ 1, 2 ], 'Uint8Array' ]");
  ExpectThrows("new BigInt64Array(1).with(0, 1)",
               "TypeError: Cannot convert 1 to a BigInt");
  ExpectThrows("new Uint8Array(1).with(1, 1)", "RangeError: Invalid typed array index");
  ExpectThrows("Uint8Array.prototype.toSorted.call([1])",
               "TypeError: %TypedArray%.prototype.toSorted: this is not a typed array.");
  ExpectEval("new Uint8Array(0).toSorted()", "Uint8Array(0) []");
}

TEST_F(RuntimeTest, WellFormedStrings) {
  ExpectEval("['ab\\ud800'.isWellFormed(), 'a\\ud83d\\ude00b'.isWellFormed(), ''.isWellFormed(),"
             " String.prototype.isWellFormed.call(12)]",
             "[ false, true, true, true ]");
  ExpectEval("'x\\udc00\\ud800y\\ud83d\\ude00\\ud83d'.toWellFormed() ==="
             " 'x\\ufffd\\ufffdy\\ud83d\\ude00\\ufffd'",
             "true");
  ExpectEval("const s = 'plain'; s.toWellFormed() === s", "true");
  ExpectThrows("String.prototype.isWellFormed.call(Symbol())",
               "TypeError: Cannot convert a Symbol value to a string");
  ExpectThrows("String.prototype.toWellFormed.call(undefined)",
               "TypeError: String.prototype.toWellFormed called on null or undefined");
}

TEST_F(RuntimeTest, GroupBy) {
  ExpectEval("const g = Object.groupBy([1, 2, 3, 4, 5], (x) => (x % 2 ? 'odd' : 'even'));"
             "[g, Object.getPrototypeOf(g), Object.groupBy('abca', (c, i) => i < 2 ? c : 'late')]",
             "[\n"
             "  [Object: null prototype] { odd: [ 1, 3, 5 ], even: [ 2, 4 ] },\n"
             "  null,\n"
             "  [Object: null prototype] {\n"
             "    a: [ 'a' ],\n"
             "    b: [ 'b' ],\n"
             "    late: [ 'c', 'a' ]\n"
             "  }\n"
             "]");
  // Keys are property keys (ToPropertyKey once per item) for Object.groupBy, SameValueZero
  // for Map.groupBy.
  ExpectEval("let calls = 0; const key = { toString() { calls++; return 'k'; } };"
             "[Object.groupBy([1, 2], () => key), calls]",
             "[ [Object: null prototype] { k: [ 1, 2 ] }, 2 ]");
  ExpectEval("const m = Map.groupBy([-0, 0, 1, NaN, NaN], (x) => x);"
             "[m, Object.is([...m.keys()][0], 0)]",
             "[ Map(3) { 0 => [ -0, 0 ], 1 => [ 1 ], NaN => [ NaN, NaN ] }, true ]");
  ExpectThrows("Object.groupBy(null, () => 1)",
               "TypeError: Object.groupBy: the items are null or undefined");
  ExpectThrows("Map.groupBy([], 1)", "TypeError: Map.groupBy: the callback is not a function");
  // A callback that throws closes the iterator.
  ExpectEval("let closed = false;"
             "const items = { [Symbol.iterator]() { return { next: () => ({ value: 1, done: false }),"
             " return: () => { closed = true; return {}; } }; } };"
             "try { Object.groupBy(items, () => { throw new Error('x'); }); } catch {}"
             "closed",
             "true");
}

TEST_F(RuntimeTest, PromiseWithResolvers) {
  EXPECT_EQ(RunLoopThenEval("const { promise, resolve, reject } = Promise.withResolvers();"
                            "resolve(5); promise.then((v) => { globalThis.result = [v, typeof reject]; });"),
            "[ 5, 'function' ]");
  ExpectEval("class Sub extends Promise {} Sub.withResolvers().promise instanceof Sub", "true");
  ExpectThrows("Promise.withResolvers.call(1)",
               "TypeError: Promise.withResolvers called on a non-constructor");
  ExpectThrows("Promise.withResolvers.call(function (executor) { executor(1, 2); })",
               "TypeError: Promise resolve function is not callable");
}

TEST_F(RuntimeTest, PromiseTry) {
  EXPECT_EQ(RunLoopThenEval("const log = [];"
                            "const a = Promise.try((x, y) => { log.push('called now'); return x + y; }, 1, 2);"
                            "log.push('after');"
                            "const b = Promise.try(() => { throw new Error('sync throw'); });"
                            "const c = Promise.try(async () => 'async value');"
                            "Promise.allSettled([a, b, c]).then((r) => {"
                            "  globalThis.result = [log, ...r.map((x) => x.value ?? x.reason.message)]; });"),
            "[ [ 'called now', 'after' ], 3, 'sync throw', 'async value' ]");
  ExpectEval("class Sub extends Promise {} Sub.try(() => 1) instanceof Sub", "true");
  ExpectEval("Promise.try.length", "1");
  ExpectThrows("Promise.try.call(undefined, () => 1)",
               "TypeError: Promise.try called on a non-object");
  ExpectThrows("Promise.try.call({}, () => 1)",
               "TypeError: Promise.try called on a non-constructor");
}

TEST_F(RuntimeTest, SetMethods) {
  ExpectEval("const a = new Set([1, 2, 3]); const b = new Set([3, 4]);"
             "[a.union(b), a.intersection(b), a.difference(b), a.symmetricDifference(b),"
             " a.isSubsetOf(b), new Set([3]).isSubsetOf(b), a.isSupersetOf(new Set([1, 3])),"
             " a.isDisjointFrom(b), a.isDisjointFrom(new Set([9])), a]",
             "[\n"
             "  Set(4) { 1, 2, 3, 4 },\n"
             "  Set(1) { 3 },\n"
             "  Set(2) { 1, 2 },\n"
             "  Set(3) { 1, 2, 4 },\n"
             "  false,\n"
             "  true,\n"
             "  true,\n"
             "  false,\n"
             "  true,\n"
             "  Set(3) { 1, 2, 3 }\n"
             "]");
  // Set-likes: a Map (its keys), or any object with size, has and keys.
  ExpectEval("const setLike = { size: 2, has: (v) => v === 'x' || v === 'y',"
             " keys: () => ['x', 'y'][Symbol.iterator]() };"
             "[new Set(['x', 'z']).union(new Map([['m', 1]])), new Set(['x', 'z']).intersection(setLike),"
             " new Set(['x']).isSubsetOf(setLike), new Set(['a', 'b', 'c']).intersection(setLike)]",
             "[ Set(3) { 'x', 'z', 'm' }, Set(1) { 'x' }, true, Set(0) {} ]");
  // -0 from the other set becomes +0; results are plain Sets, whatever `this` is.
  ExpectEval("class Mine extends Set {}"
             "const u = new Mine([1]).union(new Set([-0]));"
             "[Object.is([...u][1], 0), u.constructor.name]",
             "[ true, 'Set' ]");
  // Which side is walked depends on the sizes: `this` through has() when it is not bigger.
  ExpectEval("const calls = [];"
             "const other = { size: 10, has(v) { calls.push(`has ${v}`); return v === 1; },"
             " keys() { calls.push('keys'); return [][Symbol.iterator](); } };"
             "const r = new Set([1, 2]).intersection(other); [r, calls]",
             "[ Set(1) { 1 }, [ 'has 1', 'has 2' ] ]");
  // isSupersetOf stops early and closes the other's iterator.
  ExpectEval("let closed = 0;"
             "const endless = { size: 1, has: () => true, keys() { return {"
             " next: () => ({ value: 'missing', done: false }), return() { closed++; return {}; } }; } };"
             "[new Set([1, 2]).isSupersetOf(endless), closed]",
             "[ false, 1 ]");
  ExpectThrows("new Set().union([1])",
               "TypeError: Set.prototype.union: the argument's size is not a number");
  ExpectThrows("new Set().union({ size: -1, has() {}, keys() {} })",
               "RangeError: Set.prototype.union: the argument's size is negative");
  ExpectThrows("new Set().union({ size: 1, has: 1, keys() {} })",
               "TypeError: Set.prototype.union: the argument's has is not a function");
  ExpectThrows("new Set().isSubsetOf(1)",
               "TypeError: Set.prototype.isSubsetOf: the argument is not an object");
  ExpectThrows("Set.prototype.union.call(new Map(), new Set())",
               "TypeError: Method get Set.prototype.size called on incompatible receiver #<Map>");
  ExpectThrows("new Set([1]).union({ size: 1, has() {}, keys: () => 5 })",
               "TypeError: Set.prototype.union: keys() did not return an object");
  ExpectEval("[Set.prototype.union.length, Set.prototype.isDisjointFrom.name,"
             " Object.getOwnPropertyDescriptor(Set.prototype, 'union').enumerable]",
             "[ 1, 'isDisjointFrom', false ]");
}

TEST_F(RuntimeTest, DisposeSymbols) {
  ExpectEval("[Symbol.dispose, Symbol.asyncDispose, Symbol.dispose === Symbol.for('Symbol.dispose'),"
             " Object.getOwnPropertyDescriptor(Symbol, 'dispose')]",
             "[\n  Symbol(Symbol.dispose),\n  Symbol(Symbol.asyncDispose),\n  false,\n"
             "  {\n    value: Symbol(Symbol.dispose),\n    writable: false,\n"
             "    enumerable: false,\n    configurable: false\n  }\n]");
  // What a transpiled `using` does.
  ExpectEval("const log = []; const resource = { [Symbol.dispose]() { log.push('disposed'); } };"
             "try { log.push('body'); } finally { resource[Symbol.dispose](); } log",
             "[ 'body', 'disposed' ]");
}

// Iterator helpers: lazy, like a generator (closes what it iterates on return() and on a
// throwing callback), Iterator.from, the abstract Iterator constructor.
TEST_F(RuntimeTest, IteratorHelpers) {
  ExpectEval("const log = [];"
             "function* g() { try { yield 1; yield 2; yield 3; } finally { log.push('closed'); } }"
             "const h = g().map((x) => x * 2);"
             "const first = h.next(); const r = h.return();"
             "[first, r, h.next(), log.length, Object.prototype.toString.call(h),"
             " g().filter((x) => x > 1).toArray(), g().take(2).toArray(), g().drop(1).toArray(),"
             " g().flatMap((x) => [x, -x]).take(3).toArray(), g().reduce((a, b) => a + b),"
             " g().some((x) => x === 2), g().every((x) => x < 2), g().find((x) => x > 1), log.length]",
             "[\n  { value: 2, done: false },\n  { value: undefined, done: true },\n"
             "  { value: undefined, done: true },\n  1,\n  '[object Iterator Helper]',\n"
             "  [ 2, 3 ],\n  [ 1, 2 ],\n  [ 2, 3 ],\n  [ 1, -1, 2 ],\n  6,\n  true,\n  false,\n"
             "  2,\n  9\n]");
  ExpectEval("const closed = []; const it = { next: () => ({ value: 1, done: false }),"
             " return() { closed.push('r'); return {}; }, __proto__: Iterator.prototype };"
             "let e; try { it.map(() => { throw new Error('m'); }).next(); } catch (x) { e = x.message; }"
             "[e, closed, Iterator.from(it) === it, Iterator.from('ab').toArray(),"
             " Iterator.from({ next: () => ({ done: true }) }).toArray(),"
             " [].keys().constructor === Iterator, typeof Iterator.prototype.map]",
             "[ 'm', [ 'r' ], true, [ 'a', 'b' ], [], true, 'function' ]");
  ExpectThrows("new Iterator()", "TypeError: Abstract class Iterator not directly constructable");
  ExpectThrows("[].values().take(-1)", "RangeError: Iterator.prototype.take: -1 must be positive");
  ExpectThrows("[].values().map(1)", "TypeError: Iterator.prototype.map: number is not a function");
  ExpectThrows("[].values().reduce((a, b) => a)",
               "TypeError: Reduce of empty iterator with no initial value");
  ExpectEval("class Counter extends Iterator { constructor() { super(); this.n = 0; }"
             " next() { return { value: ++this.n, done: this.n > 3 }; } }"
             "new Counter().map((x) => x * 10).toArray()",
             "[ 10, 20, 30 ]");
}

TEST_F(RuntimeTest, ArrayFromAsync) {
  EXPECT_EQ(RunLoopThenEval(
                "(async () => { globalThis.result = [await Array.fromAsync([1, Promise.resolve(2)]),"
                " await Array.fromAsync((async function* () { yield 'a'; yield 'b'; })(), (x) => x + x),"
                " await Array.fromAsync({ length: 2, 0: Promise.resolve(3), 1: 4 }),"
                " await Array.fromAsync([1], 1).catch((e) => e.constructor.name)]; })()"),
            "[ [ 1, 2 ], [ 'aa', 'bb' ], [ 3, 4 ], 'TypeError' ]");
}

TEST_F(RuntimeTest, BuiltinsLookBuiltIn) {
  ExpectEval("[[Array.prototype, 'toSorted'], [Array.prototype, 'toSpliced'],"
             " [Array.prototype, 'with'], [Object.getPrototypeOf(Int8Array.prototype), 'with'],"
             " [String.prototype, 'toWellFormed'], [Object, 'groupBy'], [Map, 'groupBy'],"
             " [Promise, 'withResolvers']].map(([o, k]) => {"
             "  const d = Object.getOwnPropertyDescriptor(o, k);"
             "  return `${d.value.name}/${d.value.length}/${d.enumerable}/${d.writable}/${d.configurable}`;"
             "}).join(' ')",
             "'toSorted/1/false/true/true toSpliced/2/false/true/true with/2/false/true/true "
             "with/2/false/true/true toWellFormed/0/false/true/true groupBy/2/false/true/true "
             "groupBy/2/false/true/true withResolvers/0/false/true/true'");
  // What they use is captured when ecmascript.js is evaluated (the reads of the
  // descriptors above did it): replacing Array.prototype.sort afterwards changes nothing.
  ExpectEval("const sort = Array.prototype.sort; Array.prototype.sort = () => 'replaced';"
             "const r = [2, 1].toSorted(); Array.prototype.sort = sort; r",
             "[ 1, 2 ]");
}

}  // namespace
}  // namespace kiln
