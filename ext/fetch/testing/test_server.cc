#include "ext/fetch/testing/test_server.h"

#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "uv.h"

namespace kiln::fetch::testing {
namespace {

struct Request {
  std::string method;
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked_body = false;

  std::string Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key.size() == name.size() &&
          std::equal(key.begin(), key.end(), name.begin(),
                     [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        return value;
      }
    }
    return "";
  }
  std::string Path() const { return target.substr(0, target.find('?')); }
  // The value of query parameter `name` (percent-decoded), or "".
  std::string Query(std::string_view name) const {
    size_t question = target.find('?');
    if (question == std::string::npos) return "";
    std::string_view query = std::string_view(target).substr(question + 1);
    while (!query.empty()) {
      size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      size_t eq = pair.find('=');
      if (pair.substr(0, eq) == name) {
        std::string out;
        std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
        for (size_t i = 0; i < value.size(); ++i) {
          if (value[i] == '%' && i + 2 < value.size()) {
            out.push_back(static_cast<char>(std::strtol(std::string(value.substr(i + 1, 2)).c_str(),
                                                        nullptr, 16)));
            i += 2;
          } else {
            out.push_back(value[i]);
          }
        }
        return out;
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
    return "";
  }
};

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

std::string Gzip(const std::string& input) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, input.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default: return "Whatever";
  }
}

}  // namespace

struct Connection;

struct TestServer::Impl {
  TestServer* owner = nullptr;
  std::atomic<int>* connections_accepted = nullptr;
  std::atomic<int>* requests_served = nullptr;
  uv_loop_t loop;
  uv_tcp_t listener;
  uv_async_t stop;
  std::set<Connection*> connections;
};

struct Connection {
  uv_tcp_t tcp;
  uv_timer_t timer;
  TestServer::Impl* server;
  std::string input;
  bool closing = false;
  bool busy = false;          // a response is being produced
  // A streamed body in progress: bytes left to send and the next offset.
  uint64_t stream_left = 0;
  uint64_t stream_offset = 0;
  bool stream_chunked = false;
  int writes_in_flight = 0;
  std::string delayed;        // sent when the timer fires
  bool reset_after_delay = false;
};

namespace {

struct WriteRequest {
  uv_write_t request;
  std::string data;
  Connection* connection;
};

void Close(Connection* connection);
void ProcessInput(Connection* connection);
void PumpStream(Connection* connection);

void OnWritten(uv_write_t* request, int status) {
  auto* write = reinterpret_cast<WriteRequest*>(request);
  Connection* connection = write->connection;
  delete write;
  connection->writes_in_flight--;
  if (status < 0 || connection->closing) return;
  if (connection->stream_left > 0) {
    PumpStream(connection);
  } else if (connection->writes_in_flight == 0 && connection->busy &&
             connection->delayed.empty() && !uv_is_active(reinterpret_cast<uv_handle_t*>(&connection->timer))) {
    connection->busy = false;
    ProcessInput(connection);
  }
}

void Write(Connection* connection, std::string data) {
  if (connection->closing) return;
  auto* write = new WriteRequest;
  write->data = std::move(data);
  write->connection = connection;
  uv_buf_t buffer = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
  connection->writes_in_flight++;
  if (uv_write(&write->request, reinterpret_cast<uv_stream_t*>(&connection->tcp), &buffer, 1,
               &OnWritten) != 0) {
    connection->writes_in_flight--;
    delete write;
    Close(connection);
  }
}

void Close(Connection* connection) {
  if (connection->closing) return;
  connection->closing = true;
  connection->server->connections.erase(connection);
  uv_timer_stop(&connection->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&connection->timer), [](uv_handle_t* handle) {
    auto* connection = static_cast<Connection*>(handle->data);
    uv_close(reinterpret_cast<uv_handle_t*>(&connection->tcp),
             [](uv_handle_t* tcp) { delete static_cast<Connection*>(tcp->data); });
  });
}

void Reset(Connection* connection) {
  if (connection->closing) return;
  connection->closing = true;
  connection->server->connections.erase(connection);
  uv_timer_stop(&connection->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&connection->timer), [](uv_handle_t* handle) {
    auto* connection = static_cast<Connection*>(handle->data);
    uv_tcp_close_reset(&connection->tcp,
                       [](uv_handle_t* tcp) { delete static_cast<Connection*>(tcp->data); });
  });
}

std::string Head(int status, const std::vector<std::pair<std::string, std::string>>& headers,
                 const char* reason = nullptr) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + (reason ? reason : Reason(status)) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  return out + "\r\n";
}

void Respond(Connection* connection, int status, std::string body,
             std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Length", std::to_string(body.size()));
  Write(connection, Head(status, headers) + body);
}

constexpr size_t kStreamBlock = 256 * 1024;

void PumpStream(Connection* connection) {
  // Two blocks in flight at most: the socket's backpressure paces the server.
  while (connection->stream_left > 0 && connection->writes_in_flight < 2) {
    size_t size = static_cast<size_t>(std::min<uint64_t>(kStreamBlock, connection->stream_left));
    std::string block(size, '\0');
    for (size_t i = 0; i < size; ++i) {
      block[i] = static_cast<char>((connection->stream_offset + i) % 251);
    }
    connection->stream_offset += size;
    connection->stream_left -= size;
    if (connection->stream_chunked) {
      char prefix[32];
      std::snprintf(prefix, sizeof prefix, "%zx\r\n", size);
      block = prefix + block + "\r\n";
      if (connection->stream_left == 0) block += "0\r\n\r\n";
    }
    Write(connection, std::move(block));
  }
}

void OnTimer(uv_timer_t* timer) {
  auto* connection = static_cast<Connection*>(timer->data);
  std::string data = std::move(connection->delayed);
  connection->delayed.clear();
  if (connection->reset_after_delay) {
    Reset(connection);
    return;
  }
  Write(connection, std::move(data));
}

void Handle(Connection* connection, const Request& request) {
  TestServer* owner = connection->server->owner;
  const std::string path = request.Path();
  connection->busy = true;
  if (path == "/hello") {
    Respond(connection, 200, "hello world", {{"Content-Type", "text/plain"}});
  } else if (path == "/echo") {
    std::string json = "{\"method\":" + JsonString(request.method) +
                       ",\"target\":" + JsonString(request.target) + ",\"headers\":[";
    for (size_t i = 0; i < request.headers.size(); ++i) {
      if (i > 0) json += ",";
      json += "[" + JsonString(request.headers[i].first) + "," +
              JsonString(request.headers[i].second) + "]";
    }
    json += "],\"chunked\":" + std::string(request.chunked_body ? "true" : "false") +
            ",\"length\":" + std::to_string(request.body.size()) +
            ",\"body\":" + JsonString(request.body.substr(0, 4096)) + "}";
    Respond(connection, 200, json, {{"Content-Type", "application/json"}});
  } else if (path.rfind("/status/", 0) == 0) {
    int status = std::atoi(path.c_str() + 8);
    std::string reason = request.Query("reason");
    std::vector<std::pair<std::string, std::string>> headers = {{"X-Status", std::to_string(status)}};
    bool null_body = status == 204 || status == 304;
    std::string body = null_body ? "" : "status " + std::to_string(status);
    if (!null_body) headers.emplace_back("Content-Length", std::to_string(body.size()));
    Write(connection, Head(status, headers, reason.empty() ? nullptr : reason.c_str()) + body);
  } else if (path.rfind("/redirect/", 0) == 0) {
    int status = std::atoi(path.c_str() + 10);
    Respond(connection, status, "redirecting", {{"Location", request.Query("to")}});
  } else if (path == "/redirect-loop") {
    Respond(connection, 302, "", {{"Location", "/redirect-loop"}});
  } else if (path == "/chunked") {
    int parts = std::atoi(request.Query("parts").c_str());
    std::string out = Head(200, {{"Transfer-Encoding", "chunked"}, {"Content-Type", "text/plain"}});
    for (int i = 0; i < parts; ++i) {
      std::string part = "part " + std::to_string(i) + "\n";
      char size[16];
      std::snprintf(size, sizeof size, "%zx\r\n", part.size());
      out += size + part + "\r\n";
    }
    out += "0\r\n\r\n";
    Write(connection, std::move(out));
  } else if (path == "/bytes" || path == "/bytes-chunked") {
    uint64_t n = std::strtoull(request.Query("n").c_str(), nullptr, 10);
    connection->stream_chunked = path == "/bytes-chunked";
    connection->stream_left = n;
    connection->stream_offset = 0;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/octet-stream"}};
    if (connection->stream_chunked) {
      headers.emplace_back("Transfer-Encoding", "chunked");
    } else {
      headers.emplace_back("Content-Length", std::to_string(n));
    }
    Write(connection, Head(200, headers) + (n == 0 && connection->stream_chunked ? "0\r\n\r\n" : ""));
    PumpStream(connection);
  } else if (path == "/wasm") {
    // (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
    static const unsigned char kAddModule[] = {
        0, 97, 115, 109, 1, 0,  0, 0, 1, 7,   1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0,
        7, 7,  1,   3,   97, 100, 100, 0, 0, 10, 9, 1, 7,   0,   32, 0, 32,  1, 106, 11};
    std::string type = request.Query("type");
    Respond(connection, 200, std::string(reinterpret_cast<const char*>(kAddModule), sizeof kAddModule),
            {{"Content-Type", type.empty() ? "application/wasm" : type}});
  } else if (path == "/gzip") {
    std::string text;
    for (int i = 0; i < 1000; ++i) text += "compressed hello ";
    Respond(connection, 200, Gzip(text), {{"Content-Encoding", "gzip"}, {"Content-Type", "text/plain"}});
  } else if (path == "/slow-headers") {
    connection->delayed = Head(200, {{"Content-Length", "4"}}) + "slow";
    uv_timer_start(&connection->timer, &OnTimer, std::strtoull(request.Query("ms").c_str(), nullptr, 10), 0);
  } else if (path == "/slow-body") {
    Write(connection, Head(200, {{"Content-Length", "10"}}) + "first");
    connection->delayed = "-last";
    uv_timer_start(&connection->timer, &OnTimer, std::strtoull(request.Query("ms").c_str(), nullptr, 10), 0);
  } else if (path == "/hang") {
    // Never answers; the client gives up.
  } else if (path == "/reset") {
    Write(connection, Head(200, {{"Content-Length", "100000"}}) + std::string(1000, 'x'));
    connection->reset_after_delay = true;
    uv_timer_start(&connection->timer, &OnTimer, 20, 0);
  } else if (path == "/headers") {
    Write(connection, Head(200, {{"X-A", "1"},
                                 {"X-Multi", "a"},
                                 {"X-Multi", "b"},
                                 {"Set-Cookie", "a=1"},
                                 {"Set-Cookie", "b=2"},
                                 {"X-Latin1", "caf\xe9"},
                                 {"Content-Length", "2"}}) +
                          "ok");
  } else if (path == "/text-bytes") {
    // Two BOMs, "a", an invalid sequence (F0 80 80: three errors), "b", U+00E9; a header
    // continued on a second line (obs-fold).
    const std::string body = "\xEF\xBB\xBF\xEF\xBB\xBF" "a\xF0\x80\x80" "b\xC3\xA9";
    Write(connection, "HTTP/1.1 200 OK\r\nX-Fold: one\r\n  two\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body);
  } else if (path == "/connections") {
    Respond(connection, 200, std::to_string(owner->connections_accepted()));
  } else if (path == "/close") {
    Write(connection, Head(200, {{"Connection", "close"}, {"Content-Length", "6"}}) + "closed");
    connection->reset_after_delay = false;
    connection->busy = true;
    Close(connection);
    return;
  } else {
    Respond(connection, 404, "not found");
  }
}

// Parses as many complete requests as `input` holds, one at a time.
void ProcessInput(Connection* connection) {
  while (!connection->closing && !connection->busy) {
    std::string& input = connection->input;
    size_t end = input.find("\r\n\r\n");
    if (end == std::string::npos) return;
    Request request;
    std::string_view head(input.data(), end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t space1 = request_line.find(' ');
    size_t space2 = request_line.find(' ', space1 + 1);
    request.method = std::string(request_line.substr(0, space1));
    request.target = std::string(request_line.substr(space1 + 1, space2 - space1 - 1));
    while (line_end != std::string_view::npos) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string_view line = head.substr(start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    size_t body_start = end + 4;
    size_t consumed;
    std::string length = request.Header("content-length");
    if (!length.empty()) {
      size_t size = std::strtoull(length.c_str(), nullptr, 10);
      if (input.size() < body_start + size) return;
      request.body = input.substr(body_start, size);
      consumed = body_start + size;
    } else if (request.Header("transfer-encoding") == "chunked") {
      request.chunked_body = true;
      size_t position = body_start;
      for (;;) {
        size_t size_end = input.find("\r\n", position);
        if (size_end == std::string::npos) return;
        size_t size = std::strtoull(input.substr(position, size_end - position).c_str(), nullptr, 16);
        if (size == 0) {
          size_t trailer_end = input.find("\r\n", size_end + 2);
          if (trailer_end == std::string::npos) return;
          position = trailer_end + 2;
          break;
        }
        if (input.size() < size_end + 2 + size + 2) return;
        request.body += input.substr(size_end + 2, size);
        position = size_end + 2 + size + 2;
      }
      consumed = position;
    } else {
      consumed = body_start;
    }
    input.erase(0, consumed);
    (*connection->server->requests_served)++;
    Handle(connection, request);
  }
}

void OnAlloc(uv_handle_t*, size_t suggested, uv_buf_t* buffer) {
  buffer->base = static_cast<char*>(std::malloc(suggested));
  buffer->len = suggested;
}

void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buffer) {
  auto* connection = static_cast<Connection*>(stream->data);
  if (nread < 0) {
    std::free(buffer->base);
    Close(connection);
    return;
  }
  connection->input.append(buffer->base, static_cast<size_t>(nread));
  std::free(buffer->base);
  ProcessInput(connection);
}

void OnConnection(uv_stream_t* listener, int status) {
  if (status < 0) return;
  auto* server = static_cast<TestServer::Impl*>(listener->data);
  auto* connection = new Connection;
  connection->server = server;
  uv_tcp_init(&server->loop, &connection->tcp);
  uv_timer_init(&server->loop, &connection->timer);
  connection->tcp.data = connection;
  connection->timer.data = connection;
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&connection->tcp)) != 0) {
    Close(connection);
    return;
  }
  server->connections.insert(connection);
  (*server->connections_accepted)++;
  uv_read_start(reinterpret_cast<uv_stream_t*>(&connection->tcp), &OnAlloc, &OnRead);
}

}  // namespace

TestServer::TestServer() : impl_(std::make_unique<Impl>()) {
  Impl* impl = impl_.get();
  impl->owner = this;
  impl->connections_accepted = &connections_accepted_;
  impl->requests_served = &requests_served_;
  uv_loop_init(&impl->loop);
  uv_tcp_init(&impl->loop, &impl->listener);
  impl->listener.data = impl;
  sockaddr_in address;
  uv_ip4_addr("127.0.0.1", 0, &address);
  uv_tcp_bind(&impl->listener, reinterpret_cast<const sockaddr*>(&address), 0);
  uv_listen(reinterpret_cast<uv_stream_t*>(&impl->listener), 512, &OnConnection);
  sockaddr_storage bound;
  int length = sizeof bound;
  uv_tcp_getsockname(&impl->listener, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  uv_async_init(&impl->loop, &impl->stop, [](uv_async_t* stop) {
    auto* impl = static_cast<Impl*>(stop->data);
    std::vector<Connection*> open(impl->connections.begin(), impl->connections.end());
    for (Connection* connection : open) Close(connection);
    uv_close(reinterpret_cast<uv_handle_t*>(&impl->listener), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&impl->stop), nullptr);
  });
  impl->stop.data = impl;
  thread_ = std::thread([impl] { uv_run(&impl->loop, UV_RUN_DEFAULT); });
}

TestServer::~TestServer() {
  uv_async_send(&impl_->stop);
  thread_.join();
  uv_loop_close(&impl_->loop);
}

std::string TestServer::origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

}  // namespace kiln::fetch::testing
