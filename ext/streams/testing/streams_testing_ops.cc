#include "ext/streams/testing/streams_testing_ops.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <utility>

#include "ext/streams/byte_stream_resource.h"
#include "ext/streams/testing/streams_testing_state.h"
#include "v8-isolate.h"

namespace kiln::streams::testing {
namespace {

// Settles a completer now (ready) or on a later loop turn (a completion pushed from inside
// the op reaches JavaScript at the end of the loop turn).
template <typename T>
Future<T> Settle(OpState& state, bool deferred, T value) {
  if (!deferred) return value;
  auto [future, completer] = MakeFuture<T>(state);
  completer.Complete(value);
  return std::move(future);
}

class TestSource : public ByteStreamResource {
 public:
  TestSource(StreamsTestingState* testing, TestSourceOptions options)
      : testing_(testing), options_(options) {}
  std::string name() const override { return "testByteSource"; }

  Future<uint32_t> Read(OpState& state, SharedBytes buffer) override {
    TestStats& stats = testing_->stats;
    stats.reads++;
    if (options_.stall_after >= 0 && produced_ >= options_.stall_after) {
      auto [future, completer] = MakeFuture<uint32_t>(state);
      stalled_ = std::move(completer);
      return std::move(future);
    }
    double remaining = options_.total_bytes - produced_;
    if (remaining <= 0) {
      if (options_.fail) return absl::DataLossError("test source failed");
      return Settle<uint32_t>(state, options_.deferred, 0);
    }
    size_t count = static_cast<size_t>(
        std::min({remaining, options_.chunk_size, static_cast<double>(buffer.size())}));
    Produce(buffer.data(), count);
    return Settle<uint32_t>(state, options_.deferred, static_cast<uint32_t>(count));
  }

  std::unique_ptr<v8::BackingStore> TakeFullChunk(OpState& state, size_t size) override {
    bool stalled = options_.stall_after >= 0 && produced_ >= options_.stall_after;
    if (!options_.full_chunks || stalled ||
        options_.total_bytes - produced_ < static_cast<double>(size)) {
      return nullptr;
    }
    ChunkBlock block(state.isolate()->GetArrayBufferAllocator(), size);
    if (!block.ok()) return nullptr;
    Produce(block.data(), size);
    testing_->stats.chunks_handed_over++;
    return std::move(block).ToBackingStore();
  }

  void OnClose() override {
    testing_->stats.sources_closed++;
    if (stalled_.valid()) {
      testing_->stats.reads_canceled++;
      stalled_.Fail(absl::CancelledError("operation canceled"));
    }
  }

 private:
  // Writes the next `count` bytes of the pattern.
  void Produce(uint8_t* data, size_t count) {
    uint64_t offset = static_cast<uint64_t>(produced_);
    for (size_t i = 0; i < count; i++) data[i] = static_cast<uint8_t>((offset + i) & 0xff);
    produced_ += static_cast<double>(count);
    testing_->stats.bytes_read += static_cast<double>(count);
  }

  StreamsTestingState* testing_;
  TestSourceOptions options_;
  double produced_ = 0;
  Completer<uint32_t> stalled_;
};

class TestSink : public ByteStreamResource {
 public:
  TestSink(StreamsTestingState* testing, bool deferred) : testing_(testing), deferred_(deferred) {}
  std::string name() const override { return "testByteSink"; }

  Future<void> Write(OpState& state, SharedBytes bytes) override {
    TestStats& stats = testing_->stats;
    stats.writes++;
    stats.max_buffered = std::max(stats.max_buffered, stats.bytes_read - stats.bytes_written);
    const uint8_t* data = bytes.data();
    for (size_t i = 0; i < bytes.size(); i++) {
      if (data[i] != static_cast<uint8_t>((consumed_ + i) & 0xff)) stats.pattern_ok = false;
    }
    consumed_ += bytes.size();
    stats.bytes_written += static_cast<double>(bytes.size());
    if (!deferred_) return absl::OkStatus();
    auto [future, completer] = MakeFuture<void>(state);
    completer.Complete();
    return std::move(future);
  }

  Future<void> Shutdown(OpState& state) override {
    testing_->stats.shutdowns++;
    return absl::OkStatus();
  }

  void OnClose() override { testing_->stats.sinks_closed++; }

 private:
  StreamsTestingState* testing_;
  bool deferred_;
  uint64_t consumed_ = 0;
};

}  // namespace

ResourceId op_streams_test_source(OpState& state, TestSourceOptions options) {
  auto* testing = state.extension_state<StreamsTestingState>();
  return state.resources().Add(std::make_unique<TestSource>(testing, options));
}

ResourceId op_streams_test_sink(OpState& state, bool deferred) {
  auto* testing = state.extension_state<StreamsTestingState>();
  return state.resources().Add(std::make_unique<TestSink>(testing, deferred));
}

TestStats op_streams_test_stats(OpState& state) {
  return state.extension_state<StreamsTestingState>()->stats;
}

}  // namespace kiln::streams::testing
