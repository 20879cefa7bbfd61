// The fetch extension's per-runtime state: one curl multi handle driven by the runtime's
// libuv loop through curl's multi-socket API (README.md, "Transport"), and the request
// resource that JavaScript holds for each request.
#ifndef KILN_EXT_FETCH_FETCH_STATE_H_
#define KILN_EXT_FETCH_FETCH_STATE_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <curl/curl.h>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ext/fetch/fetch_ops.h"
#include "ext/streams/byte_stream_resource.h"
#include "ops/op.h"
#include "uv.h"
#include "v8-array-buffer.h"
#include "v8-isolate.h"

namespace kiln::fetch {

class FetchRequest;

// A response's status line and header fields, as op_fetch_response hands them over.
struct FetchResponseHead {
  int32_t status = 0;
  std::string status_text;  // "" for HTTP/2
  std::string headers;      // "name\nvalue\n..." as received (fetch_ops.h)
  // "<status>\n<status text>\n<headers>": op_fetch_response's result.
  std::string Serialize() const;
};

// One per runtime. The multi handle, its uv_timer and the uv_poll handles are made on the
// first request. curl tells us which sockets to watch (OnCurlSocket) and when to call it
// back (OnCurlTimer); libuv tells curl when a socket is ready or the timer fired
// (curl_multi_socket_action). No thread of our own, no curl_multi_wait.
class FetchState {
 public:
  explicit FetchState(OpState& state);
  ~FetchState();
  FetchState(const FetchState&) = delete;
  FetchState& operator=(const FetchState&) = delete;

  // Adds a configured easy handle to the multi handle (made on first use).
  absl::Status Add(FetchRequest* request);
  // Removes it (no callback of the request runs afterwards).
  void Remove(FetchRequest* request);
  // A request has bytes in a pending read to hand to JavaScript at the end of this step.
  void MarkForFlush(FetchRequest* request);
  // Completes the pending reads that got bytes (one completion per read per loop step).
  void Flush();

  // An easy handle from the pool of finished ones (reset), or a new one; null if curl
  // cannot make one.
  CURL* TakeEasyHandle();
  // Back to the pool (reset; at most kEasyPoolSize are kept) or cleaned up.
  void ReturnEasyHandle(CURL* easy);
  // Lets curl start what was just added now, in the op, instead of one loop turn later.
  void Kick() { Act(CURL_SOCKET_TIMEOUT, 0); }

  FetchStats stats() const;
  // The runtime's ArrayBuffer allocator (memory for body bytes read ahead).
  v8::ArrayBuffer::Allocator* array_buffer_allocator() const {
    return state_.isolate()->GetArrayBufferAllocator();
  }
  void NoteChunkHandedOver() { chunks_handed_over_++; }
  void NoteBuffered(size_t bytes) {
    if (static_cast<double>(bytes) > max_buffered_) max_buffered_ = static_cast<double>(bytes);
  }

 private:
  struct Poll;  // a uv_poll_t for one of curl's sockets
  static int OnCurlSocket(CURL* easy, curl_socket_t socket, int what, void* self,
                          void* socket_data);
  static int OnCurlTimer(CURLM* multi, long timeout_ms, void* self);
  static void OnPollEvent(uv_poll_t* handle, int status, int events);
  static void OnTimerFired(uv_timer_t* handle);
  absl::Status EnsureMulti();
  // curl_multi_socket_action, then finished transfers and pending reads.
  void Act(curl_socket_t socket, int events);
  void ClosePoll(Poll* poll);

  OpState& state_;
  CURLM* multi_ = nullptr;
  uv_timer_t* timer_ = nullptr;  // heap: freed by its close callback
  absl::flat_hash_set<Poll*> polls_;
  absl::flat_hash_set<FetchRequest*> active_;
  std::vector<FetchRequest*> to_flush_;
  std::vector<CURL*> easy_pool_;
  bool acting_ = false;
  double requests_started_ = 0;
  double max_buffered_ = 0;
  double chunks_handed_over_ = 0;
};

// One request and its response, as a resource. It reads the response body
// (ByteStreamResource::Read, through ext:streams' readableStreamForRid) and writes a
// streamed request body (Write/Shutdown). Closing it aborts the transfer and fails
// whatever is pending with Interrupted.
class FetchRequest final : public streams::ByteStreamResource {
 public:
  FetchRequest(FetchState* owner, std::optional<SharedBytes> body, bool streamed_body);
  ~FetchRequest() override;

  std::string name() const override { return "fetchRequest"; }
  void OnClose() override;
  Future<uint32_t> Read(OpState& state, SharedBytes buffer) override;
  Future<void> Write(OpState& state, SharedBytes bytes) override;
  Future<void> Shutdown(OpState& state) override;
  std::unique_ptr<v8::BackingStore> TakeFullChunk(OpState& state, size_t size) override;

  // Sets the easy handle up; then FetchState::Add starts it.
  absl::Status Configure(const std::string& method, const std::string& url,
                         const std::vector<std::string>& headers);
  // The serialized head (FetchResponseHead::Serialize) once the final header block ended.
  Future<std::string> Head(OpState& state);
  Future<ByteBuffer> ReadAll(OpState& state);
  // The same, UTF-8 decoded (op_fetch_body_text).
  Future<std::string> ReadAllText(OpState& state);

  CURL* easy() const { return easy_; }
  // FetchState::Add took the handle.
  void OnStarted();
  // The transfer finished (curl's CURLMSG_DONE); the handle has left the multi handle.
  void OnDone(CURLcode result);
  // Hands the bytes gathered in the pending read to JavaScript.
  void FlushRead();

 private:
  static size_t OnHeaderLine(char* data, size_t size, size_t count, void* self);
  static size_t OnBodyBytes(char* data, size_t size, size_t count, void* self);
  static size_t OnUploadWanted(char* data, size_t size, size_t count, void* self);
  void Release(const absl::Status& reason);
  // Starts collecting the whole body into collected_ (with what was buffered): true if
  // the transfer had already ended (collected_ holds the whole body), false if
  // collecting_ is now set, or the transfer's error.
  absl::StatusOr<bool> CollectBody();
  // Settles the pending ReadAll or ReadAllText with collected_, or with `failure`.
  void FinishCollecting(const absl::Status& failure);
  std::string TakeCollectedText();
  void UpdatePause();
  size_t buffered() const { return buffered_bytes_; }
  // Keeps bytes no read takes yet (curl gave more than the pending read holds, or there is
  // none): false when no memory could be had.
  bool Buffer(const uint8_t* bytes, size_t length);
  // Copies up to `size` buffered bytes to `target`; returns how many.
  size_t TakeBuffered(uint8_t* target, size_t size);
  // Resumes a transfer paused for a full buffer once reads took half of it.
  void ResumeIfDrained();

  FetchState* owner_;
  CURL* easy_ = nullptr;
  curl_slist* header_list_ = nullptr;
  char error_text_[CURL_ERROR_SIZE] = {0};
  bool in_multi_ = false;
  bool done_ = false;
  bool closed_ = false;
  absl::Status failure_;  // the transfer's error, once done_

  // The response's header block being received.
  FetchResponseHead head_;
  bool head_complete_ = false;
  bool head_delivered_ = false;
  Completer<std::string> head_completer_;
  bool head_pending_ = false;

  // Body bytes curl gave us that no read has taken yet, in blocks of the size default reads
  // ask for (block_size_), so that a full one can be handed over as a chunk
  // (TakeFullChunk). buffered_front_ bytes of the first block were copied out already.
  std::deque<streams::ChunkBlock> buffered_;
  size_t buffered_front_ = 0;
  size_t buffered_bytes_ = 0;
  size_t block_size_ = 64 * 1024;
  bool paused_receiving_ = false;
  // The pending read: bytes land in read_buffer_ (JavaScript's memory) directly.
  std::optional<SharedBytes> read_buffer_;
  size_t read_filled_ = 0;
  Completer<uint32_t> read_completer_;
  bool flush_marked_ = false;
  // ReadAll / ReadAllText: every body byte goes to collected_ until the end.
  bool collecting_ = false;
  bool collect_as_text_ = false;
  std::vector<uint8_t> collected_;
  Completer<ByteBuffer> collect_completer_;
  Completer<std::string> collect_text_completer_;

  // The request body: bytes given at the start, or streamed through Write.
  std::optional<SharedBytes> body_;
  bool streamed_body_ = false;
  std::optional<SharedBytes> upload_chunk_;
  size_t upload_offset_ = 0;
  Completer<void> write_completer_;
  bool upload_ended_ = false;
  bool paused_sending_ = false;
};

}  // namespace kiln::fetch

#endif  // KILN_EXT_FETCH_FETCH_STATE_H_
