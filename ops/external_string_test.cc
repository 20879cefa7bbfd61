#include "ops/external_string.h"

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/runtime.h"
#include "gtest/gtest.h"
#include "v8-context.h"
#include "v8-object.h"

namespace kiln {
namespace {

constexpr size_t kOneByteMin = OneByteStringResult::kExternalMinLength;
constexpr size_t kTwoByteMin = TwoByteStringResult::kExternalMinLength;

size_t BlocksTaken() { return StringBlockPool::Instance().stats().blocks_taken; }

// A runtime, with the scopes C++ needs to make strings in its context.
class ExternalStringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Runtime>> created = Runtime::Create();
    ASSERT_TRUE(created.ok()) << created.status();
    runtime_ = std::move(*created);
    isolate_ = runtime_->isolate();
    isolate_scope_.emplace(isolate_);
    handle_scope_.emplace(isolate_);
    context_ = runtime_->context();
    context_->Enter();
    blocks_before_ = BlocksTaken();
  }
  void TearDown() override {
    if (runtime_ != nullptr) ShutDownRuntime();
    EXPECT_EQ(BlocksTaken(), blocks_before_) << "a block was not given back";
  }

  void ShutDownRuntime() {
    context_->Exit();
    handle_scope_.reset();
    isolate_scope_.reset();
    EXPECT_TRUE(runtime_->Shutdown().ok());
    runtime_.reset();
  }

  // globalThis[name] = value
  void SetGlobal(const char* name, v8::Local<v8::Value> value) {
    v8::Local<v8::String> key =
        v8::String::NewFromUtf8(isolate_, name).ToLocalChecked();
    ASSERT_TRUE(context_->Global()->Set(context_, key, value).FromJust());
  }
  std::string Eval(const std::string& code) {
    Result<std::string> value = runtime_->EvalToString(code);
    return value.ok() ? value.value() : "<error> " + value.error().Report();
  }
  // Full garbage collections, which dispose of unreachable external strings.
  void CollectGarbage() { isolate_->LowMemoryNotification(); }

  std::unique_ptr<Runtime> runtime_;
  v8::Isolate* isolate_ = nullptr;
  std::optional<v8::Isolate::Scope> isolate_scope_;
  std::optional<v8::HandleScope> handle_scope_;
  v8::Local<v8::Context> context_;
  size_t blocks_before_ = 0;
};

// `length` Latin-1 characters 'a'..'z' then 0xE9 (é), from `seed`.
v8::Local<v8::String> MakeOneByte(v8::Isolate* isolate, size_t length, size_t max_length,
                                  char seed = 'a') {
  OneByteStringResult result(max_length);
  EXPECT_NE(result.data(), nullptr);
  for (size_t i = 0; i < length; ++i) {
    result.data()[i] = i % 27 == 26 ? '\xE9' : static_cast<char>(seed + i % 26 % 20);
  }
  return result.Finish(isolate, length).ToLocalChecked();
}

// `length` UTF-16 units: Greek letters and a surrogate pair every 10 units.
v8::Local<v8::String> MakeTwoByte(v8::Isolate* isolate, size_t length, size_t max_length) {
  TwoByteStringResult result(max_length);
  EXPECT_NE(result.data(), nullptr);
  for (size_t i = 0; i < length; ++i) {
    char16_t unit = static_cast<char16_t>(0x3B1 + i % 7);
    if (i % 10 == 8 && i + 1 < length) unit = 0xD83D;
    if (i % 10 == 9 && i > 0) unit = 0xDE00;
    result.data()[i] = unit;
  }
  return result.Finish(isolate, length).ToLocalChecked();
}

// The same text as MakeOneByte / MakeTwoByte, built in JavaScript.
constexpr char kOneByteInJs[] =
    "(length, seed = 97) => Array.from({ length }, (_, i) => i % 27 === 26 ? '\\xE9' : "
    "String.fromCharCode(seed + i % 26 % 20)).join('')";
constexpr char kTwoByteInJs[] =
    "(length) => Array.from({ length }, (_, i) => i % 10 === 8 && i + 1 < length ? "
    "'\\uD83D' : i % 10 === 9 && i > 0 ? '\\uDE00' : String.fromCharCode(0x3B1 + i % 7))"
    ".join('')";

TEST_F(ExternalStringTest, OneByteBelowThresholdIsAHeapString) {
  v8::Local<v8::String> string = MakeOneByte(isolate_, kOneByteMin - 1, kOneByteMin - 1);
  EXPECT_FALSE(string->IsExternal());
  EXPECT_TRUE(string->IsOneByte());
  EXPECT_EQ(static_cast<size_t>(string->Length()), kOneByteMin - 1);
  EXPECT_EQ(BlocksTaken(), blocks_before_);
  SetGlobal("s", string);
  EXPECT_EQ(Eval(std::string("s === (") + kOneByteInJs + ")(s.length)"), "true");
}

TEST_F(ExternalStringTest, OneByteAtThresholdIsExternal) {
  v8::Local<v8::String> string = MakeOneByte(isolate_, kOneByteMin, kOneByteMin);
  EXPECT_TRUE(string->IsExternalOneByte());
  EXPECT_EQ(static_cast<size_t>(string->Length()), kOneByteMin);
  EXPECT_EQ(BlocksTaken(), blocks_before_ + 1);
  SetGlobal("s", string);
  EXPECT_EQ(Eval(std::string("s === (") + kOneByteInJs + ")(s.length)"), "true");
  EXPECT_EQ(Eval("s.length + ' ' + s.slice(20, 30) + ' ' + s.charCodeAt(26)"),
            "'65536 abcdef\u00e9bcd 233'");
}

TEST_F(ExternalStringTest, TwoByteBoundaries) {
  v8::Local<v8::String> below = MakeTwoByte(isolate_, kTwoByteMin - 1, kTwoByteMin - 1);
  EXPECT_FALSE(below->IsExternal());
  EXPECT_EQ(BlocksTaken(), blocks_before_);
  v8::Local<v8::String> at = MakeTwoByte(isolate_, kTwoByteMin, kTwoByteMin);
  EXPECT_TRUE(at->IsExternalTwoByte());
  EXPECT_EQ(BlocksTaken(), blocks_before_ + 1);
  SetGlobal("below", below);
  SetGlobal("at", at);
  std::string make = std::string("(") + kTwoByteInJs + ")";
  EXPECT_EQ(Eval("below === " + make + "(32767) && at === " + make + "(32768)"), "true");
  EXPECT_EQ(Eval("at.codePointAt(8).toString(16) + ' ' + at.codePointAt(9).toString(16)"),
            "'1f600 de00'");
}

// Room reserved above the threshold, but fewer characters written: a heap string, and the
// block goes back to the pool.
TEST_F(ExternalStringTest, ShortFinishOfALargeReservationIsAHeapString) {
  v8::Local<v8::String> one = MakeOneByte(isolate_, kOneByteMin - 1, 4 * kOneByteMin);
  v8::Local<v8::String> two = MakeTwoByte(isolate_, 100, kTwoByteMin);
  EXPECT_FALSE(one->IsExternal());
  EXPECT_FALSE(two->IsExternal());
  EXPECT_EQ(BlocksTaken(), blocks_before_);
  SetGlobal("one", one);
  SetGlobal("two", two);
  EXPECT_EQ(Eval(std::string("one === (") + kOneByteInJs + ")(65535) && two === (" +
                 kTwoByteInJs + ")(100)"),
            "true");
}

TEST_F(ExternalStringTest, EmptyAndUnfinishedResults) {
  {
    OneByteStringResult result(0);
    ASSERT_NE(result.data(), nullptr);
    EXPECT_EQ(result.Finish(isolate_, 0).ToLocalChecked()->Length(), 0);
  }
  {
    // Dropped without Finish (an error on the way): the block goes back.
    TwoByteStringResult result(kTwoByteMin * 3);
    ASSERT_NE(result.data(), nullptr);
    EXPECT_EQ(BlocksTaken(), blocks_before_ + 1);
  }
  EXPECT_EQ(BlocksTaken(), blocks_before_);
  {
    // Finish with more than was reserved is refused.
    OneByteStringResult result(10);
    EXPECT_TRUE(result.Finish(isolate_, 11).IsEmpty());
  }
}

TEST_F(ExternalStringTest, TooLongForV8) {
  OneByteStringResult result(static_cast<size_t>(v8::String::kMaxLength) + 1);
  EXPECT_EQ(result.data(), nullptr);
  EXPECT_TRUE(result.Finish(isolate_, 1).IsEmpty());
  EXPECT_FALSE(isolate_->IsExecutionTerminating());
  EXPECT_EQ(BlocksTaken(), blocks_before_);
}

// Several small results of one thread alive at once: the second and third do not share
// the first's scratch memory.
TEST_F(ExternalStringTest, SmallResultsAliveAtOnce) {
  OneByteStringResult first(1000);
  OneByteStringResult second(1000);
  TwoByteStringResult third(1000);
  std::memset(first.data(), 'x', 1000);
  std::memset(second.data(), 'y', 1000);
  for (int i = 0; i < 1000; ++i) third.data()[i] = u'\u00FF' + 1;
  EXPECT_NE(first.data(), second.data());
  EXPECT_NE(static_cast<void*>(first.data()), static_cast<void*>(third.data()));
  SetGlobal("a", second.Finish(isolate_, 1000).ToLocalChecked());
  SetGlobal("b", first.Finish(isolate_, 1000).ToLocalChecked());
  SetGlobal("c", third.Finish(isolate_, 1000).ToLocalChecked());
  EXPECT_EQ(Eval("a === 'y'.repeat(1000) && b === 'x'.repeat(1000) && "
                 "c === '\\u0100'.repeat(1000)"),
            "true");
}

TEST_F(ExternalStringTest, ManyStringsAliveThenCollected) {
  constexpr int kCount = 100;
  {
    v8::HandleScope scope(isolate_);  // the test's own handles go with it
    v8::Local<v8::Array> strings = v8::Array::New(isolate_, kCount);
    for (int i = 0; i < kCount; ++i) {
      v8::Local<v8::String> string =
          i % 2 == 0 ? MakeOneByte(isolate_, kOneByteMin + i, kOneByteMin + i,
                                   static_cast<char>('a' + i % 6))
                     : MakeTwoByte(isolate_, kTwoByteMin + i, kTwoByteMin + i);
      ASSERT_TRUE(strings->Set(context_, i, string).FromJust());
    }
    SetGlobal("strings", strings);
  }
  EXPECT_EQ(BlocksTaken(), blocks_before_ + kCount);
  // Every string has its own block: the contents are all intact.
  EXPECT_EQ(Eval(std::string("const one = ") + kOneByteInJs + ", two = " + kTwoByteInJs +
                 "; strings.every((s, i) => s === (i % 2 ? two(32768 + i) : "
                 "one(65536 + i, 97 + i % 6)))"),
            "true");
  // Strings the script keeps survive a collection; the others are disposed of and their
  // blocks go back to the pool.
  Eval("globalThis.kept = strings.filter((s, i) => i % 10 === 0); strings = undefined;");
  CollectGarbage();
  EXPECT_EQ(BlocksTaken(), blocks_before_ + kCount / 10);
  StringBlockPool::Stats stats = StringBlockPool::Instance().stats();
  EXPECT_GE(stats.free_blocks, static_cast<size_t>(kCount - kCount / 10));
  EXPECT_LE(stats.free_bytes, StringBlockPool::kMaxPooledBytes);
  EXPECT_EQ(Eval("kept.length + ' ' + kept[1].length + ' ' + kept[2].length"),
            "'10 65546 65556'");
  Eval("kept = undefined");
  CollectGarbage();
  EXPECT_EQ(BlocksTaken(), blocks_before_);
}

// A block given back is the one the next result of a fitting size gets: no fresh pages.
TEST_F(ExternalStringTest, BlocksAreRecycled) {
  StringBlockPool& pool = StringBlockPool::Instance();
  size_t capacity = 0;
  char* block = pool.Take(3 * 1024 * 1024 + 17, &capacity);
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(capacity, 3u * 1024 * 1024 + 17);
  pool.Give(block, capacity);
  size_t again = 0;
  char* reused = pool.Take(2 * 1024 * 1024, &again);
  EXPECT_EQ(reused, block);
  EXPECT_EQ(again, capacity);
  pool.Give(reused, again);
  // Too large for the request (more than twice its size): not used.
  size_t small_capacity = 0;
  char* small = pool.Take(1024 * 1024, &small_capacity);
  EXPECT_NE(small, block);
  EXPECT_EQ(small_capacity, 1024u * 1024);
  pool.Give(small, small_capacity);
  pool.Trim();
  EXPECT_EQ(pool.stats().free_blocks, 0u);
  EXPECT_EQ(pool.stats().free_bytes, 0u);
}

TEST_F(ExternalStringTest, PoolKeepsAtMostItsLimit) {
  StringBlockPool& pool = StringBlockPool::Instance();
  pool.Trim();
  constexpr size_t kBlock = 16 * 1024 * 1024;
  std::vector<std::pair<char*, size_t>> blocks;
  for (size_t i = 0; i < StringBlockPool::kMaxPooledBytes / kBlock + 2; ++i) {
    size_t capacity = 0;
    blocks.emplace_back(pool.Take(kBlock, &capacity), capacity);
  }
  for (auto& [block, capacity] : blocks) pool.Give(block, capacity);
  EXPECT_EQ(pool.stats().free_bytes, StringBlockPool::kMaxPooledBytes);
  pool.Trim();
}

TEST_F(ExternalStringTest, NewStringFromCopy) {
  std::string latin1(kOneByteMin, 'q');
  std::u16string utf16(kTwoByteMin, u'\u4E2D');
  v8::Local<v8::String> small =
      NewStringFromCopy(isolate_, latin1.data(), kOneByteMin - 1).ToLocalChecked();
  v8::Local<v8::String> large =
      NewStringFromCopy(isolate_, latin1.data(), kOneByteMin).ToLocalChecked();
  v8::Local<v8::String> small16 =
      NewStringFromCopy(isolate_, utf16.data(), kTwoByteMin - 1).ToLocalChecked();
  v8::Local<v8::String> large16 =
      NewStringFromCopy(isolate_, utf16.data(), kTwoByteMin).ToLocalChecked();
  EXPECT_FALSE(small->IsExternal());
  EXPECT_TRUE(large->IsExternalOneByte());
  EXPECT_FALSE(small16->IsExternal());
  EXPECT_TRUE(large16->IsExternalTwoByte());
  SetGlobal("small", small);
  SetGlobal("large", large);
  SetGlobal("small16", small16);
  SetGlobal("large16", large16);
  EXPECT_EQ(Eval("small === 'q'.repeat(65535) && large === 'q'.repeat(65536) && "
                 "small16 === '\\u4E2D'.repeat(32767) && large16 === '\\u4E2D'.repeat(32768)"),
            "true");
}

// Strings alive when the runtime goes away are disposed of with its isolate: every block
// comes back (and LeakSanitizer sees nothing).
TEST_F(ExternalStringTest, RuntimeTeardownWithStringsAlive) {
  for (int i = 0; i < 8; ++i) {
    SetGlobal(("s" + std::to_string(i)).c_str(),
              i % 2 ? MakeTwoByte(isolate_, kTwoByteMin * 2, kTwoByteMin * 2)
                    : MakeOneByte(isolate_, kOneByteMin * 3, kOneByteMin * 3));
  }
  // Internalizing one (a property key) disposes of its resource or keeps it: either way
  // the block comes back by the end.
  Eval("const o = {}; o[s0] = 1; Object.keys(o)[0] === s0");
  EXPECT_GE(BlocksTaken(), blocks_before_ + 7);
  ShutDownRuntime();
  EXPECT_EQ(BlocksTaken(), blocks_before_);
}

// Runtimes on several threads make and collect external strings at once; the pool is
// shared by all of them.
TEST_F(ExternalStringTest, RuntimesOnSeveralThreads) {
  ShutDownRuntime();
  auto work = [](int seed, bool* ok) {
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create();
    if (!runtime.ok()) return;
    v8::Isolate* isolate = (*runtime)->isolate();
    bool all_equal = true;
    {
      v8::Isolate::Scope isolate_scope(isolate);
      v8::HandleScope handle_scope(isolate);
      v8::Local<v8::Context> context = (*runtime)->context();
      v8::Context::Scope context_scope(context);
      for (int round = 0; round < 50; ++round) {
        v8::HandleScope round_scope(isolate);
        size_t length = kOneByteMin + (seed * 1000 + round) % 5000;
        OneByteStringResult result(length);
        std::memset(result.data(), 'a' + seed, length);
        v8::Local<v8::String> string = result.Finish(isolate, length).ToLocalChecked();
        const char* chars = string->GetExternalOneByteStringResource()->data();
        for (size_t i = 0; i < length; ++i) all_equal &= chars[i] == 'a' + seed;
        if (round % 10 == 9) isolate->LowMemoryNotification();
      }
    }
    *ok = all_equal && (*runtime)->Shutdown().ok();
  };
  bool ok[3] = {false, false, false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back(work, i, &ok[i]);
  for (std::thread& thread : threads) thread.join();
  for (bool thread_ok : ok) EXPECT_TRUE(thread_ok);
}

}  // namespace
}  // namespace kiln
