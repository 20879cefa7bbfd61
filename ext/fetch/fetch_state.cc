#include "ext/fetch/fetch_state.h"

#include <sys/mman.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/version.h"
#include "ext/fetch/curl_library.h"

namespace kiln::fetch {
namespace {

// Body bytes held for a body nobody is reading before the transfer is paused.
constexpr size_t kMaxBuffered = 1 << 20;
// curl's receive buffer: the most bytes one write callback delivers.
constexpr long kReceiveBufferSize = 64 * 1024;
// Connections per host (more requests wait inside curl for one to free up).
constexpr long kMaxHostConnections = 256;
// Finished easy handles kept for the next requests (curl_easy_reset keeps their buffers).
constexpr size_t kEasyPoolSize = 64;

// The name of a curl error code for JavaScript's `cause.code`.
std::string CurlCodeName(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL: return "CURLE_UNSUPPORTED_PROTOCOL";
    case CURLE_URL_MALFORMAT: return "CURLE_URL_MALFORMAT";
    case CURLE_COULDNT_RESOLVE_PROXY: return "CURLE_COULDNT_RESOLVE_PROXY";
    case CURLE_COULDNT_RESOLVE_HOST: return "CURLE_COULDNT_RESOLVE_HOST";
    case CURLE_COULDNT_CONNECT: return "CURLE_COULDNT_CONNECT";
    case CURLE_WEIRD_SERVER_REPLY: return "CURLE_WEIRD_SERVER_REPLY";
    case CURLE_HTTP2: return "CURLE_HTTP2";
    case CURLE_PARTIAL_FILE: return "CURLE_PARTIAL_FILE";
    case CURLE_WRITE_ERROR: return "CURLE_WRITE_ERROR";
    case CURLE_READ_ERROR: return "CURLE_READ_ERROR";
    case CURLE_OUT_OF_MEMORY: return "CURLE_OUT_OF_MEMORY";
    case CURLE_OPERATION_TIMEDOUT: return "CURLE_OPERATION_TIMEDOUT";
    case CURLE_SSL_CONNECT_ERROR: return "CURLE_SSL_CONNECT_ERROR";
    case CURLE_ABORTED_BY_CALLBACK: return "CURLE_ABORTED_BY_CALLBACK";
    case CURLE_GOT_NOTHING: return "CURLE_GOT_NOTHING";
    case CURLE_SEND_ERROR: return "CURLE_SEND_ERROR";
    case CURLE_RECV_ERROR: return "CURLE_RECV_ERROR";
    case CURLE_SSL_CERTPROBLEM: return "CURLE_SSL_CERTPROBLEM";
    case CURLE_SSL_CIPHER: return "CURLE_SSL_CIPHER";
    case CURLE_PEER_FAILED_VERIFICATION: return "CURLE_PEER_FAILED_VERIFICATION";
    case CURLE_BAD_CONTENT_ENCODING: return "CURLE_BAD_CONTENT_ENCODING";
    case CURLE_SSL_CACERT_BADFILE: return "CURLE_SSL_CACERT_BADFILE";
    case CURLE_HTTP2_STREAM: return "CURLE_HTTP2_STREAM";
    case CURLE_HTTP3: return "CURLE_HTTP3";
    default: return absl::StrCat("CURLE_", static_cast<int>(code));
  }
}

// A network error: an Error with curl's text and the code's name (fetch_api.js wraps it in
// TypeError('fetch failed', { cause })).
absl::Status NetworkError(CURLcode code, const char* error_text) {
  std::string message = error_text[0] != '\0' ? error_text : Curl().easy_strerror(code);
  return ErrorOfClass("Error", message, CurlCodeName(code));
}

// HTTP fields are bytes; JavaScript sees them as strings of code units 0-255 (ByteString).
// Ops exchange strings as UTF-8, so bytes 0x80-0xFF travel as two UTF-8 bytes each.
void AppendBytesAsUtf8(std::string* out, std::string_view bytes) {
  size_t ascii = 0;
  while (ascii < bytes.size() && static_cast<unsigned char>(bytes[ascii]) < 0x80) ++ascii;
  out->append(bytes.data(), ascii);  // header fields are nearly always ASCII
  for (unsigned char c : bytes.substr(ascii)) {
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back(static_cast<char>(0xC0 | (c >> 6)));
      out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
}

std::string BytesToUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  AppendBytesAsUtf8(&out, bytes);
  return out;
}

// The inverse, for ByteStrings from JavaScript (every code point is below 0x100).
absl::StatusOr<std::string> Utf8ToBytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = text[i];
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && i + 1 < text.size()) {
      out.push_back(static_cast<char>(((c & 0x03) << 6) | (text[i + 1] & 0x3F)));
      ++i;
    } else {
      return absl::InvalidArgumentError("a header is not a byte string");
    }
  }
  return out;
}

bool HasForbiddenByte(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

std::string_view TrimHttpWhitespace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string FetchResponseHead::Serialize() const {
  return absl::StrCat(status, "\n", status_text, "\n", headers);
}

// ---- FetchState ----

struct FetchState::Poll {
  uv_poll_t handle;
  curl_socket_t socket;
  FetchState* owner;
};

FetchState::FetchState(OpState& state) : state_(state) {}

FetchState::~FetchState() {
  if (multi_ != nullptr) {
    // Resources (and so requests) are closed before extension states; anything still
    // here is removed so curl_multi_cleanup finds no easy handle.
    std::vector<FetchRequest*> active(active_.begin(), active_.end());
    for (FetchRequest* request : active) Remove(request);
    Curl().multi_cleanup(multi_);
    multi_ = nullptr;
  }
  for (CURL* easy : easy_pool_) Curl().easy_cleanup(easy);
  easy_pool_.clear();
  std::vector<Poll*> polls(polls_.begin(), polls_.end());
  for (Poll* poll : polls) ClosePoll(poll);
  if (timer_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(timer_),
             [](uv_handle_t* handle) { delete reinterpret_cast<uv_timer_t*>(handle); });
    timer_ = nullptr;
  }
}

absl::Status FetchState::EnsureMulti() {
  if (multi_ != nullptr) return absl::OkStatus();
  if (absl::StatusOr<const CurlLibrary*> loaded = LoadCurl(); !loaded.ok()) {
    return loaded.status();
  }
  multi_ = Curl().multi_init();
  if (multi_ == nullptr) return absl::ResourceExhaustedError("curl_multi_init failed");
  timer_ = new uv_timer_t;
  uv_timer_init(state_.loop(), timer_);
  timer_->data = this;
  // Pending ops keep the loop alive; the transport's own handles do not.
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
  Curl().multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &FetchState::OnCurlSocket);
  Curl().multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  Curl().multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &FetchState::OnCurlTimer);
  Curl().multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  Curl().multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, kMaxHostConnections);
  return absl::OkStatus();
}

absl::Status FetchState::Add(FetchRequest* request) {
  if (absl::Status made = EnsureMulti(); !made.ok()) return made;
  CURLMcode added = Curl().multi_add_handle(multi_, request->easy());
  if (added != CURLM_OK) {
    return absl::InternalError(absl::StrCat("curl_multi_add_handle: ", Curl().multi_strerror(added)));
  }
  active_.insert(request);
  ++requests_started_;
  return absl::OkStatus();
}

void FetchState::Remove(FetchRequest* request) {
  if (active_.erase(request) == 0) return;
  Curl().multi_remove_handle(multi_, request->easy());
  to_flush_.erase(std::remove(to_flush_.begin(), to_flush_.end(), request), to_flush_.end());
}

void FetchState::MarkForFlush(FetchRequest* request) { to_flush_.push_back(request); }

CURL* FetchState::TakeEasyHandle() {
  if (!easy_pool_.empty()) {
    CURL* easy = easy_pool_.back();
    easy_pool_.pop_back();
    return easy;
  }
  return Curl().easy_init();
}

void FetchState::ReturnEasyHandle(CURL* easy) {
  if (easy_pool_.size() < kEasyPoolSize) {
    Curl().easy_reset(easy);
    easy_pool_.push_back(easy);
  } else {
    Curl().easy_cleanup(easy);
  }
}

void FetchState::Flush() {
  // FlushRead completes completers only: it cannot add to or remove from the list.
  for (FetchRequest* request : to_flush_) request->FlushRead();
  to_flush_.clear();
}

FetchStats FetchState::stats() const {
  FetchStats stats;
  stats.in_flight = static_cast<double>(active_.size());
  stats.requests_started = requests_started_;
  stats.sockets_open = static_cast<double>(polls_.size());
  stats.max_buffered = max_buffered_;
  stats.chunks_handed_over = chunks_handed_over_;
  return stats;
}

int FetchState::OnCurlSocket(CURL* /*easy*/, curl_socket_t socket, int what, void* self_ptr,
                             void* socket_data) {
  auto* self = static_cast<FetchState*>(self_ptr);
  auto* poll = static_cast<Poll*>(socket_data);
  if (what == CURL_POLL_REMOVE) {
    if (poll != nullptr) {
      self->ClosePoll(poll);
      if (self->multi_ != nullptr) Curl().multi_assign(self->multi_, socket, nullptr);
    }
    return 0;
  }
  if (poll == nullptr) {
    poll = new Poll;
    poll->socket = socket;
    poll->owner = self;
    if (uv_poll_init_socket(self->state_.loop(), &poll->handle, socket) != 0) {
      delete poll;
      return -1;  // curl fails the transfer
    }
    poll->handle.data = poll;
    uv_unref(reinterpret_cast<uv_handle_t*>(&poll->handle));
    self->polls_.insert(poll);
    Curl().multi_assign(self->multi_, socket, poll);
  }
  int events = 0;
  if (what & CURL_POLL_IN) events |= UV_READABLE;
  if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
  uv_poll_start(&poll->handle, events, &FetchState::OnPollEvent);
  return 0;
}

void FetchState::ClosePoll(Poll* poll) {
  polls_.erase(poll);
  uv_poll_stop(&poll->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&poll->handle),
           [](uv_handle_t* handle) { delete static_cast<Poll*>(handle->data); });
}

int FetchState::OnCurlTimer(CURLM* /*multi*/, long timeout_ms, void* self_ptr) {
  auto* self = static_cast<FetchState*>(self_ptr);
  if (self->timer_ == nullptr) return 0;
  if (timeout_ms < 0) {
    uv_timer_stop(self->timer_);
  } else {
    // 0 means "as soon as possible": a zero timer runs on the next loop iteration, not
    // inside this callback (curl must not be re-entered from its own callbacks).
    uv_timer_start(self->timer_, &FetchState::OnTimerFired, static_cast<uint64_t>(timeout_ms), 0);
  }
  return 0;
}

void FetchState::OnPollEvent(uv_poll_t* handle, int status, int events) {
  auto* poll = static_cast<Poll*>(handle->data);
  int flags = 0;
  if (status < 0) flags |= CURL_CSELECT_ERR;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  poll->owner->Act(poll->socket, flags);
}

void FetchState::OnTimerFired(uv_timer_t* handle) {
  static_cast<FetchState*>(handle->data)->Act(CURL_SOCKET_TIMEOUT, 0);
}

void FetchState::Act(curl_socket_t socket, int events) {
  if (multi_ == nullptr) return;
  int running = 0;
  Curl().multi_socket_action(multi_, socket, events, &running);
  int left = 0;
  while (CURLMsg* message = Curl().multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    FetchRequest* request = nullptr;
    Curl().easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &request);
    CURLcode result = message->data.result;
    if (request == nullptr) continue;
    Remove(request);
    request->OnDone(result);
  }
  Flush();
}

// ---- FetchRequest ----

FetchRequest::FetchRequest(FetchState* owner, std::optional<SharedBytes> body, bool streamed_body)
    : owner_(owner), body_(std::move(body)), streamed_body_(streamed_body) {}

FetchRequest::~FetchRequest() {
  if (!closed_) Release(absl::CancelledError("operation canceled"));
  if (easy_ != nullptr) owner_->ReturnEasyHandle(easy_);
  if (header_list_ != nullptr) Curl().slist_free_all(header_list_);
}

absl::Status FetchRequest::Configure(const std::string& method, const std::string& url,
                                     const std::vector<std::string>& headers) {
  if (absl::StatusOr<const CurlLibrary*> loaded = LoadCurl(); !loaded.ok()) {
    return loaded.status();
  }
  easy_ = owner_->TakeEasyHandle();
  if (easy_ == nullptr) return absl::ResourceExhaustedError("curl_easy_init failed");
  if (headers.size() % 2 != 0) return absl::InvalidArgumentError("headers must be name/value pairs");
  bool has_content_type = false;
  bool has_accept = false;
  for (size_t i = 0; i < headers.size(); i += 2) {
    absl::StatusOr<std::string> name = Utf8ToBytes(headers[i]);
    if (!name.ok()) return name.status();
    absl::StatusOr<std::string> value = Utf8ToBytes(headers[i + 1]);
    if (!value.ok()) return value.status();
    if (name->empty() || HasForbiddenByte(*name) || HasForbiddenByte(*value) ||
        name->find(':') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat("invalid header: ", headers[i]));
    }
    if (absl::EqualsIgnoreCase(*name, "content-type")) has_content_type = true;
    if (absl::EqualsIgnoreCase(*name, "accept")) has_accept = true;
    // "Name;" is curl's way of sending a header with an empty value.
    std::string line = value->empty() ? absl::StrCat(*name, ";") : absl::StrCat(*name, ": ", *value);
    header_list_ = Curl().slist_append(header_list_, line.c_str());
  }
  // The standard's fetch sends `Accept: */*` unless the request has an Accept header.
  if (!has_accept) header_list_ = Curl().slist_append(header_list_, "Accept: */*");
  // No "Expect: 100-continue" round trip; no Content-Type the caller did not ask for.
  header_list_ = Curl().slist_append(header_list_, "Expect:");
  if (!has_content_type) header_list_ = Curl().slist_append(header_list_, "Content-Type:");

  static const std::string user_agent = absl::StrCat("kiln/", kKilnVersion);
  Curl().easy_setopt(easy_, CURLOPT_URL, url.c_str());
  Curl().easy_setopt(easy_, CURLOPT_PRIVATE, this);
  Curl().easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_text_);
  Curl().easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  Curl().easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  Curl().easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 0L);  // fetch_api.js follows redirects
  Curl().easy_setopt(easy_, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  Curl().easy_setopt(easy_, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
  Curl().easy_setopt(easy_, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  Curl().easy_setopt(easy_, CURLOPT_BUFFERSIZE, kReceiveBufferSize);
  Curl().easy_setopt(easy_, CURLOPT_USERAGENT, user_agent.c_str());
  Curl().easy_setopt(easy_, CURLOPT_HTTPHEADER, header_list_);
  Curl().easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &FetchRequest::OnHeaderLine);
  Curl().easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  Curl().easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &FetchRequest::OnBodyBytes);
  Curl().easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  if (const char* extra_ca = std::getenv("KILN_EXTRA_CA_CERTS"); extra_ca != nullptr && *extra_ca) {
    // The system store stays in use through its hashed directory.
    Curl().easy_setopt(easy_, CURLOPT_CAINFO, extra_ca);
    Curl().easy_setopt(easy_, CURLOPT_CAPATH, "/etc/ssl/certs");
  }

  if (method == "GET") {
    Curl().easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
  } else if (method == "HEAD") {
    Curl().easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  } else {
    static const char kEmpty[] = "";
    if (streamed_body_) {
      Curl().easy_setopt(easy_, CURLOPT_POST, 1L);
      Curl().easy_setopt(easy_, CURLOPT_READFUNCTION, &FetchRequest::OnUploadWanted);
      Curl().easy_setopt(easy_, CURLOPT_READDATA, this);
      Curl().easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(-1));
    } else if (body_.has_value() || method == "POST" || method == "PUT") {
      // POST and PUT without a body send Content-Length: 0, as the standard says.
      const void* data = body_.has_value() && body_->size() > 0
                             ? static_cast<const void*>(body_->data()) : kEmpty;
      curl_off_t size = body_.has_value() ? static_cast<curl_off_t>(body_->size()) : 0;
      Curl().easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, size);
      Curl().easy_setopt(easy_, CURLOPT_POSTFIELDS, data);
    }
    if (method != "POST") Curl().easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  return absl::OkStatus();
}

void FetchRequest::UpdatePause() {
  if (!in_multi_) return;
  int mask = (paused_receiving_ ? CURLPAUSE_RECV : 0) | (paused_sending_ ? CURLPAUSE_SEND : 0);
  Curl().easy_pause(easy_, mask);
}

size_t FetchRequest::OnHeaderLine(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<FetchRequest*>(self_ptr);
  size_t length = size * count;
  if (self->head_complete_) return length;  // trailers
  std::string_view line(data, length);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  FetchResponseHead& head = self->head_;
  if (line.substr(0, 5) == "HTTP/") {
    head = FetchResponseHead();
    size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      std::string_view rest = line.substr(space + 1);
      if (rest.size() >= 3 && std::isdigit(static_cast<unsigned char>(rest[0])) &&
          std::isdigit(static_cast<unsigned char>(rest[1])) &&
          std::isdigit(static_cast<unsigned char>(rest[2]))) {
        head.status = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
      }
      if (rest.size() > 4) head.status_text = BytesToUtf8(TrimHttpWhitespace(rest.substr(4)));
    }
    return length;
  }
  if (line.empty()) {
    if (head.status >= 100 && head.status < 200) {
      head = FetchResponseHead();  // an informational response: the real one follows
      return length;
    }
    if (head.status == 0) return length;
    self->head_complete_ = true;
    if (self->head_pending_) {
      self->head_pending_ = false;
      self->head_delivered_ = true;
      self->head_completer_.Complete(head.Serialize());
    }
    return length;
  }
  std::string& block = head.headers;  // "name\nvalue\n..." (fetch_ops.h)
  if ((line.front() == ' ' || line.front() == '\t') && !block.empty()) {
    // obs-fold: a continuation of the previous field's value, the block's last line.
    block.back() = ' ';
    AppendBytesAsUtf8(&block, TrimHttpWhitespace(line));
    block.push_back('\n');
    return length;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return length;  // not a field: ignored
  AppendBytesAsUtf8(&block, TrimHttpWhitespace(line.substr(0, colon)));
  block.push_back('\n');
  AppendBytesAsUtf8(&block, TrimHttpWhitespace(line.substr(colon + 1)));
  block.push_back('\n');
  return length;
}

size_t FetchRequest::OnBodyBytes(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<FetchRequest*>(self_ptr);
  size_t length = size * count;
  // uint8_t pointers, so an insert is one memmove (char ones would copy byte by byte).
  const auto* bytes = reinterpret_cast<const uint8_t*>(data);
  if (self->collecting_) {
    self->collected_.insert(self->collected_.end(), bytes, bytes + length);
    return length;
  }
  if (self->read_buffer_.has_value()) {
    SharedBytes& buffer = *self->read_buffer_;
    size_t taken = std::min(length, buffer.size() - self->read_filled_);
    std::memcpy(buffer.data() + self->read_filled_, bytes, taken);
    self->read_filled_ += taken;
    if (taken < length && !self->Buffer(bytes + taken, length - taken)) return 0;
    if (self->read_filled_ == buffer.size()) {
      self->FlushRead();
    } else if (!self->flush_marked_) {
      self->flush_marked_ = true;
      self->owner_->MarkForFlush(self);
    }
    return length;
  }
  if (self->buffered() >= kMaxBuffered) {
    self->paused_receiving_ = true;  // curl keeps these bytes and offers them again
    return CURL_WRITEFUNC_PAUSE;
  }
  // Out of memory: 0 fails the transfer (CURLE_WRITE_ERROR).
  return self->Buffer(bytes, length) ? length : 0;
}

bool FetchRequest::Buffer(const uint8_t* bytes, size_t length) {
  while (length > 0) {
    if (buffered_.empty() || buffered_.back().room() == 0) {
      streams::ChunkBlock block(owner_->array_buffer_allocator(), block_size_);
      if (!block.ok()) return false;
      buffered_.push_back(std::move(block));
    }
    size_t taken = buffered_.back().Append(bytes, length);
    bytes += taken;
    length -= taken;
    buffered_bytes_ += taken;
  }
  owner_->NoteBuffered(buffered_bytes_);
  return true;
}

size_t FetchRequest::TakeBuffered(uint8_t* target, size_t size) {
  size_t copied = 0;
  while (copied < size && !buffered_.empty()) {
    streams::ChunkBlock& front = buffered_.front();
    size_t count = std::min(size - copied, front.filled() - buffered_front_);
    std::memcpy(target + copied, front.data() + buffered_front_, count);
    copied += count;
    buffered_front_ += count;
    if (buffered_front_ == front.filled()) {
      buffered_front_ = 0;
      if (buffered_.size() == 1 && front.room() > 0) {
        // The block still filling: it fills again from its front, so that the block, once
        // full, holds exactly the next chunk (TakeFullChunk).
        front.Clear();
        break;
      }
      buffered_.pop_front();
    }
  }
  buffered_bytes_ -= copied;
  return copied;
}

void FetchRequest::ResumeIfDrained() {
  if (paused_receiving_ && buffered() < kMaxBuffered / 2) {
    paused_receiving_ = false;
    UpdatePause();
  }
}

std::unique_ptr<v8::BackingStore> FetchRequest::TakeFullChunk(OpState& /*state*/, size_t size) {
  // Later blocks are made of the size default reads now ask for.
  block_size_ = size;
  if (buffered_.empty() || buffered_front_ != 0 || !buffered_.front().full() ||
      buffered_.front().capacity() != size) {
    return nullptr;
  }
  std::unique_ptr<v8::BackingStore> store = std::move(buffered_.front()).ToBackingStore();
  buffered_.pop_front();
  buffered_bytes_ -= size;
  owner_->NoteChunkHandedOver();
  ResumeIfDrained();
  return store;
}

size_t FetchRequest::OnUploadWanted(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<FetchRequest*>(self_ptr);
  size_t room = size * count;
  if (self->upload_chunk_.has_value()) {
    SharedBytes& chunk = *self->upload_chunk_;
    size_t taken = std::min(room, chunk.size() - self->upload_offset_);
    std::memcpy(data, chunk.data() + self->upload_offset_, taken);
    self->upload_offset_ += taken;
    if (self->upload_offset_ == chunk.size()) {
      self->upload_chunk_.reset();
      self->write_completer_.Complete();
    }
    return taken;
  }
  if (self->upload_ended_) return 0;
  self->paused_sending_ = true;
  return CURL_READFUNC_PAUSE;
}

void FetchRequest::FlushRead() {
  flush_marked_ = false;
  if (!read_buffer_.has_value()) return;
  if (read_filled_ > 0) {
    read_completer_.Complete(static_cast<uint32_t>(read_filled_));
  } else if (done_) {
    if (failure_.ok()) {
      read_completer_.Complete(0u);
    } else {
      read_completer_.Fail(failure_);
    }
  } else {
    return;
  }
  read_buffer_.reset();
  read_filled_ = 0;
}

void FetchRequest::OnDone(CURLcode result) {
  in_multi_ = false;
  done_ = true;
  paused_receiving_ = paused_sending_ = false;
  if (result != CURLE_OK) {
    failure_ = NetworkError(result, error_text_);
  } else if (!head_complete_) {
    failure_ = ErrorOfClass("Error", "the response ended before its header block",
                            "CURLE_GOT_NOTHING");
  }
  if (head_pending_) {
    head_pending_ = false;
    if (head_complete_) {
      head_delivered_ = true;
      head_completer_.Complete(head_.Serialize());
    } else {
      head_completer_.Fail(failure_);
    }
  }
  if (collecting_) FinishCollecting(failure_);
  if (upload_chunk_.has_value()) {
    upload_chunk_.reset();
    // The server answered before taking the whole body: the rest is not needed.
    if (failure_.ok()) {
      write_completer_.Complete();
    } else {
      write_completer_.Fail(failure_);
    }
  }
  FlushRead();
}

void FetchRequest::Release(const absl::Status& reason) {
  if (in_multi_) {
    in_multi_ = false;
    owner_->Remove(this);
  }
  if (head_pending_) {
    head_pending_ = false;
    head_completer_.Fail(reason);
  }
  if (read_buffer_.has_value()) {
    read_buffer_.reset();
    read_completer_.Fail(reason);
  }
  if (upload_chunk_.has_value()) {
    upload_chunk_.reset();
    write_completer_.Fail(reason);
  }
  if (collecting_) FinishCollecting(reason);
  buffered_.clear();
  buffered_front_ = 0;
  buffered_bytes_ = 0;
}

void FetchRequest::OnClose() {
  closed_ = true;
  Release(absl::CancelledError("operation canceled"));
}

Future<std::string> FetchRequest::Head(OpState& state) {
  if (head_delivered_ || head_pending_) {
    return absl::FailedPreconditionError("the response head was already asked for");
  }
  if (head_complete_) {
    head_delivered_ = true;
    return head_.Serialize();
  }
  if (done_) return failure_;
  auto [future, completer] = MakeFuture<std::string>(state);
  head_completer_ = std::move(completer);
  head_pending_ = true;
  return std::move(future);
}

void FetchRequest::OnStarted() { in_multi_ = true; }

Future<uint32_t> FetchRequest::Read(OpState& state, SharedBytes buffer) {
  if (read_buffer_.has_value() || collecting_) {
    return absl::FailedPreconditionError("a read of this body is already pending");
  }
  if (buffered() > 0) {
    size_t taken = TakeBuffered(buffer.data(), buffer.size());
    ResumeIfDrained();
    return static_cast<uint32_t>(taken);
  }
  if (done_) {
    if (!failure_.ok()) return failure_;
    return 0u;
  }
  auto [future, completer] = MakeFuture<uint32_t>(state);
  read_buffer_ = std::move(buffer);
  read_filled_ = 0;
  read_completer_ = std::move(completer);
  if (paused_receiving_) {
    paused_receiving_ = false;
    UpdatePause();  // may deliver bytes into the read at once
    owner_->Flush();
  }
  return std::move(future);
}

namespace {

// A body collected whole from a known Content-Length of several MiB is written once from
// start to end: transparent huge pages (the kernel's default mode is `madvise`) make that
// one page fault per 2 MiB instead of one per 4 KiB. Advice only, for the 2 MiB-aligned
// interior of the block.
void AdviseHugePages(void* data, size_t size) {
  constexpr size_t kHugePage = size_t{2} << 20;
  if (size < 2 * kHugePage) return;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHugePage - 1) & ~(kHugePage - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + size) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

absl::StatusOr<bool> FetchRequest::CollectBody() {
  if (read_buffer_.has_value() || collecting_) {
    return absl::FailedPreconditionError("a read of this body is already pending");
  }
  collected_.clear();
  curl_off_t expected = -1;
  if (easy_ != nullptr) Curl().easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &expected);
  if (expected > 0 && expected < (curl_off_t{1} << 34)) {
    collected_.reserve(static_cast<size_t>(expected));
    AdviseHugePages(collected_.data(), collected_.capacity());
  }
  size_t held = buffered();
  collected_.resize(held);
  TakeBuffered(collected_.data(), held);
  buffered_.clear();
  buffered_front_ = 0;
  if (done_) {
    if (!failure_.ok()) return failure_;
    return true;
  }
  collecting_ = true;
  if (paused_receiving_) {
    paused_receiving_ = false;
    UpdatePause();
  }
  return false;
}

// UTF-8 decode (Encoding Standard): a leading BOM is dropped; the string's converter
// (v8::String::NewFromUtf8) replaces each invalid sequence with U+FFFD as the standard does.
std::string FetchRequest::TakeCollectedText() {
  size_t start = collected_.size() >= 3 && collected_[0] == 0xEF && collected_[1] == 0xBB &&
                         collected_[2] == 0xBF ? 3 : 0;
  std::string text(collected_.begin() + static_cast<std::ptrdiff_t>(start), collected_.end());
  collected_ = {};
  return text;
}

void FetchRequest::FinishCollecting(const absl::Status& failure) {
  collecting_ = false;
  if (!failure.ok()) {
    collect_completer_.Fail(failure);
    collect_text_completer_.Fail(failure);
  } else if (collect_as_text_) {
    collect_text_completer_.Complete(TakeCollectedText());
  } else {
    collect_completer_.Complete(ByteBuffer(std::move(collected_)));
  }
  collected_ = {};
}

Future<ByteBuffer> FetchRequest::ReadAll(OpState& state) {
  absl::StatusOr<bool> done = CollectBody();
  if (!done.ok()) return done.status();
  if (*done) {
    ByteBuffer bytes(std::move(collected_));
    collected_ = {};
    return bytes;
  }
  auto [future, completer] = MakeFuture<ByteBuffer>(state);
  collect_completer_ = std::move(completer);
  collect_as_text_ = false;
  return std::move(future);
}

Future<std::string> FetchRequest::ReadAllText(OpState& state) {
  absl::StatusOr<bool> done = CollectBody();
  if (!done.ok()) return done.status();
  if (*done) return TakeCollectedText();
  auto [future, completer] = MakeFuture<std::string>(state);
  collect_text_completer_ = std::move(completer);
  collect_as_text_ = true;
  return std::move(future);
}

Future<void> FetchRequest::Write(OpState& state, SharedBytes bytes) {
  if (!streamed_body_) return absl::UnimplementedError("this request has no streamed body");
  if (upload_chunk_.has_value()) {
    return absl::FailedPreconditionError("a write of this body is already pending");
  }
  if (upload_ended_) return absl::FailedPreconditionError("the request body was ended");
  // The exchange is over (the server answered, or the transfer failed): the writer stops.
  if (done_) {
    return failure_.ok() ? absl::FailedPreconditionError("the request has finished") : failure_;
  }
  if (bytes.size() == 0) return absl::OkStatus();
  auto [future, completer] = MakeFuture<void>(state);
  upload_chunk_ = std::move(bytes);
  upload_offset_ = 0;
  write_completer_ = std::move(completer);
  if (paused_sending_) {
    paused_sending_ = false;
    UpdatePause();
  }
  return std::move(future);
}

Future<void> FetchRequest::Shutdown(OpState& /*state*/) {
  if (!streamed_body_) return absl::UnimplementedError("this request has no streamed body");
  upload_ended_ = true;
  if (paused_sending_) {
    paused_sending_ = false;
    UpdatePause();
  }
  return absl::OkStatus();
}

}  // namespace kiln::fetch
