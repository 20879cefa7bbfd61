#ifndef KILN_CORE_ARRAY_BUFFER_ALLOCATOR_H_
#define KILN_CORE_ARRAY_BUFFER_ALLOCATOR_H_

#include <cstddef>
#include <functional>
#include <memory>

#include "v8.h"

namespace kiln {

// V8's default ArrayBuffer allocator, counting the bytes of live ArrayBuffer contents.
// When they pass `limit_bytes` (0: no limit) it calls `on_limit` once, from the thread
// that allocated, and still returns the memory: V8 aborts the process when an allocation
// its C++ API makes (ArrayBuffer::New, NewBackingStore) fails, so the runtime stops the
// script instead (RuntimeOptions::max_heap_size_mb). Free may run on V8's threads.
// Contents of 256 KiB or more are mapped directly (transparent huge pages on request from
// 4 MiB) and kept for reuse when freed, the most recent 32 MiB per allocator: a new block
// of a MiB or more costs more in page faults than in filling it (AllocateUninitialized
// then costs no memset at all, Allocate a memset of a reused block). Larger blocks go back
// to the kernel (a pool holding one 64 MiB block raised the peak RSS of
// bench/blob.mjs case=arraybuffer_64m by 64 MiB in most runs).
//
// The allocator outlives its owner while memory it gave is still in use: destroying the
// pointer releases the owner's reference, and the allocator is deleted when the last
// block it gave is freed too. So an ArrayBuffer's memory may move to another runtime (a
// worker's message) and be freed there, after this runtime is gone, through this
// allocator; its bytes count against this allocator's limit until then. After its owner
// let go, only Free may be called.
struct ReleaseCountingAllocator {
  void operator()(v8::ArrayBuffer::Allocator* allocator) const;
};
using CountingAllocatorPtr = std::unique_ptr<v8::ArrayBuffer::Allocator, ReleaseCountingAllocator>;

CountingAllocatorPtr NewCountingAllocator(size_t limit_bytes, std::function<void()> on_limit);

}  // namespace kiln

#endif  // KILN_CORE_ARRAY_BUFFER_ALLOCATOR_H_
