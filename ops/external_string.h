// A string result built in place: an op writes the characters once, into memory that
// becomes the string. Below kExternalMinBytes that memory is a scratch buffer copied into a
// V8 heap string; from kExternalMinBytes on it is a block of a process-wide pool that an
// external string adopts without a copy and gives back when V8 disposes of the string.
//
// Why: a result of a megabyte allocated on V8's heap lands in its large-object space, and
// fresh memory (V8's or malloc's) is fresh pages; the page faults and the garbage
// collections those allocations cause cost more than producing the characters. Recycled
// blocks are pages already mapped.
#ifndef KILN_OPS_EXTERNAL_STRING_H_
#define KILN_OPS_EXTERNAL_STRING_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <type_traits>
#include <vector>

#include "v8-isolate.h"
#include "v8-local-handle.h"
#include "v8-primitive.h"

namespace kiln {

// Memory blocks of large string results, recycled. One pool per process, locked: V8
// disposes of an external string on the thread that runs its isolate (during a garbage
// collection, or when the isolate is disposed), and isolates may run on several threads.
// At most kMaxPooledBytes of free blocks are kept; a block given back beyond that is freed.
// Never destroyed, as strings may be disposed of during static destruction.
class StringBlockPool {
 public:
  static constexpr size_t kMaxPooledBytes = 64 * 1024 * 1024;

  static StringBlockPool& Instance();

  // A block of at least `size` bytes: a free one of at most twice that size if there is
  // one, else a new one of exactly `size` bytes. *capacity is the block's real size.
  // Null (and *capacity 0) when memory is exhausted.
  char* Take(size_t size, size_t* capacity);
  // Gives back a block Take returned, `capacity` being the size Take reported.
  void Give(char* block, size_t capacity);

  struct Stats {
    size_t free_blocks;   // blocks in the pool
    size_t free_bytes;    // their total capacity
    size_t blocks_taken;  // blocks taken and not given back yet (e.g. strings alive)
  };
  Stats stats();

  // Frees every block in the pool (blocks taken stay valid).
  void Trim();

 private:
  StringBlockPool() = default;

  struct Block {
    char* data;
    size_t capacity;
  };
  std::mutex mutex_;
  std::vector<Block> free_;  // guarded by mutex_
  size_t free_bytes_ = 0;    // guarded by mutex_
  size_t blocks_taken_ = 0;  // guarded by mutex_
};

// A string of `Char`s being written: `char` for Latin-1 characters (a one-byte string),
// `char16_t` for UTF-16 code units (a two-byte string).
//
//   OneByteStringResult result(max_length);
//   if (result.data() == nullptr) ...             // out of memory, or too long for V8
//   size_t length = Convert(input, result.data());   // at most max_length characters
//   v8::MaybeLocal<v8::String> string = result.Finish(isolate, length);
//
// Room for `max_length` characters comes from the pool when it takes kExternalMinBytes or
// more, else from a per-thread scratch buffer (a heap allocation when another result of
// the same thread holds it). Finish makes an external string when the final length still
// takes kExternalMinBytes or more, else a heap string copied from the characters. The
// result may be destroyed without Finish (e.g. on an error): memory goes back then.
template <typename Char>
class StringResult {
  static_assert(std::is_same_v<Char, char> || std::is_same_v<Char, char16_t>,
                "StringResult holds Latin-1 (char) or UTF-16 (char16_t)");

 public:
  static constexpr size_t kExternalMinBytes = 64 * 1024;
  static constexpr size_t kExternalMinLength = kExternalMinBytes / sizeof(Char);

  explicit StringResult(size_t max_length);
  ~StringResult();
  StringResult(const StringResult&) = delete;
  StringResult& operator=(const StringResult&) = delete;

  // Where the characters go; null when the memory could not be had or `max_length`
  // exceeds v8::String::kMaxLength.
  Char* data() { return data_; }
  size_t max_length() const { return max_length_; }

  // The string of the first `length` (<= max_length) characters written. Empty, with no
  // exception thrown, when data() was null or V8 refused the string. Call at most once.
  v8::MaybeLocal<v8::String> Finish(v8::Isolate* isolate, size_t length);

 private:
  enum class Memory { kNone, kScratch, kHeap, kPooled };

  Char* data_ = nullptr;
  size_t max_length_ = 0;
  size_t capacity_ = 0;  // bytes, for a pooled block
  Memory memory_ = Memory::kNone;
};

using OneByteStringResult = StringResult<char>;
using TwoByteStringResult = StringResult<char16_t>;

// A string holding a copy of `length` characters: a heap string, or from
// kExternalMinBytes on a pooled external string. Empty when it would be too long.
v8::MaybeLocal<v8::String> NewStringFromCopy(v8::Isolate* isolate, const char* latin1,
                                             size_t length);
v8::MaybeLocal<v8::String> NewStringFromCopy(v8::Isolate* isolate, const char16_t* utf16,
                                             size_t length);

}  // namespace kiln

#endif  // KILN_OPS_EXTERNAL_STRING_H_
