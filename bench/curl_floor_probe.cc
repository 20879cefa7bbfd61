// What libcurl alone costs per request on this machine: GETs of one URL over kept-alive
// connections, one at a time or `concurrency` in flight, driven the way ext/fetch drives curl (one multi handle, the
// multi-socket API on a libuv loop, a pooled easy handle reset between requests, the same
// options and request headers as `fetch(url)`), with no JavaScript. Prints the client's
// CPU time per request; compare it with the runtimes' in the peers kit's fetch_seq
// (bench/README.md "fetch against the peers").
//
//   bazel run -c opt //bench:curl_floor_probe -- http://127.0.0.1:18080/small.txt 20000 [64]
#include <sys/resource.h>
#include <uv.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "ext/fetch/curl_library.h"

namespace {

using kiln::fetch::Curl;

struct Probe {
  uv_loop_t* loop = nullptr;
  CURLM* multi = nullptr;
  std::vector<CURL*> idle;  // easy handles not in a transfer
  uv_timer_t timer;
  std::string url;
  curl_slist* headers = nullptr;
  long to_start = 0;   // transfers not started yet
  long in_flight = 0;
  long failures = 0;
  size_t body_bytes = 0;
};

struct Poll {
  uv_poll_t handle;
  curl_socket_t socket;
  Probe* probe;
};

size_t OnBody(char*, size_t size, size_t count, void* data) {
  static_cast<Probe*>(data)->body_bytes += size * count;
  return size * count;
}
size_t OnHeader(char*, size_t size, size_t count, void*) { return size * count; }

void Start(Probe* probe) {
  CURL* easy = probe->idle.back();
  probe->idle.pop_back();
  --probe->to_start;
  ++probe->in_flight;
  Curl().easy_reset(easy);
  Curl().easy_setopt(easy, CURLOPT_URL, probe->url.c_str());
  Curl().easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  Curl().easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  Curl().easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  Curl().easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  Curl().easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  Curl().easy_setopt(easy, CURLOPT_BUFFERSIZE, 64L * 1024);
  Curl().easy_setopt(easy, CURLOPT_USERAGENT, "kiln/0");
  Curl().easy_setopt(easy, CURLOPT_HTTPHEADER, probe->headers);
  Curl().easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
  Curl().easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnBody);
  Curl().easy_setopt(easy, CURLOPT_WRITEDATA, probe);
  Curl().easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  Curl().multi_add_handle(probe->multi, easy);
}

void Act(Probe* probe, curl_socket_t socket, int events) {
  int running = 0;
  Curl().multi_socket_action(probe->multi, socket, events, &running);
  int left = 0;
  bool started = false;
  while (CURLMsg* message = Curl().multi_info_read(probe->multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    if (message->data.result != CURLE_OK) ++probe->failures;
    Curl().multi_remove_handle(probe->multi, message->easy_handle);
    probe->idle.push_back(message->easy_handle);
    --probe->in_flight;
    if (probe->to_start > 0) {
      Start(probe);
      started = true;
    }
  }
  // As fetch() does: the new transfers start now, not a loop turn later.
  if (started) Act(probe, CURL_SOCKET_TIMEOUT, 0);
}

void OnPoll(uv_poll_t* handle, int status, int events) {
  auto* poll = static_cast<Poll*>(handle->data);
  int flags = (status < 0 ? CURL_CSELECT_ERR : 0) | (events & UV_READABLE ? CURL_CSELECT_IN : 0) |
              (events & UV_WRITABLE ? CURL_CSELECT_OUT : 0);
  Act(poll->probe, poll->socket, flags);
}

int OnSocket(CURL*, curl_socket_t socket, int what, void* data, void* socket_data) {
  auto* probe = static_cast<Probe*>(data);
  auto* poll = static_cast<Poll*>(socket_data);
  if (what == CURL_POLL_REMOVE) {
    if (poll != nullptr) {
      uv_poll_stop(&poll->handle);
      uv_close(reinterpret_cast<uv_handle_t*>(&poll->handle),
               [](uv_handle_t* handle) { delete static_cast<Poll*>(handle->data); });
      Curl().multi_assign(probe->multi, socket, nullptr);
    }
    return 0;
  }
  if (poll == nullptr) {
    poll = new Poll{{}, socket, probe};
    uv_poll_init_socket(probe->loop, &poll->handle, socket);
    poll->handle.data = poll;
    Curl().multi_assign(probe->multi, socket, poll);
  }
  uv_poll_start(&poll->handle, (what & CURL_POLL_IN ? UV_READABLE : 0) |
                                   (what & CURL_POLL_OUT ? UV_WRITABLE : 0), &OnPoll);
  return 0;
}

int OnTimer(CURLM*, long timeout_ms, void* data) {
  auto* probe = static_cast<Probe*>(data);
  if (timeout_ms < 0) {
    uv_timer_stop(&probe->timer);
  } else {
    uv_timer_start(&probe->timer, [](uv_timer_t* timer) {
      Act(static_cast<Probe*>(timer->data), CURL_SOCKET_TIMEOUT, 0);
    }, static_cast<uint64_t>(timeout_ms), 0);
  }
  return 0;
}

double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Runs `count` requests, `concurrency` at a time; returns false if any failed.
bool Run(Probe* probe, long count, long concurrency) {
  probe->to_start = count;
  for (long i = 0; i < concurrency && probe->to_start > 0; ++i) Start(probe);
  Act(probe, CURL_SOCKET_TIMEOUT, 0);
  uv_run(probe->loop, UV_RUN_DEFAULT);
  return probe->failures == 0 && probe->in_flight == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <url> [requests]\n", argv[0]);
    return 2;
  }
  if (!kiln::fetch::LoadCurl().ok()) return 1;
  Probe probe;
  probe.url = argv[1];
  long count = argc > 2 ? std::atol(argv[2]) : 20000;
  long concurrency = argc > 3 ? std::max(1L, std::atol(argv[3])) : 1;
  probe.loop = uv_default_loop();
  uv_timer_init(probe.loop, &probe.timer);
  probe.timer.data = &probe;
  probe.multi = Curl().multi_init();
  Curl().multi_setopt(probe.multi, CURLMOPT_SOCKETFUNCTION, &OnSocket);
  Curl().multi_setopt(probe.multi, CURLMOPT_SOCKETDATA, &probe);
  Curl().multi_setopt(probe.multi, CURLMOPT_TIMERFUNCTION, &OnTimer);
  Curl().multi_setopt(probe.multi, CURLMOPT_TIMERDATA, &probe);
  for (long i = 0; i < concurrency; ++i) probe.idle.push_back(Curl().easy_init());
  // fetch(url)'s request headers (fetch_api.js and FetchRequest::Configure).
  for (const char* line : {"Accept: */*", "Expect:", "Content-Type:"}) {
    probe.headers = Curl().slist_append(probe.headers, line);
  }
  // Warm-up: the connections are open afterwards.
  if (!Run(&probe, std::max(50L, concurrency), concurrency)) return 1;
  double cpu = CpuSeconds();
  auto start = std::chrono::steady_clock::now();
  if (!Run(&probe, count, concurrency)) {
    std::fprintf(stderr, "%ld requests failed\n", probe.failures);
    return 1;
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  cpu = CpuSeconds() - cpu;
  std::printf("RESULT name=curl_floor value=%.2f unit=us_cpu_per_request req_per_s=%.0f n=%ld "
              "concurrency=%ld\n", cpu / count * 1e6, count / wall, count, concurrency);
  for (CURL* easy : probe.idle) Curl().easy_cleanup(easy);
  Curl().slist_free_all(probe.headers);
  Curl().multi_cleanup(probe.multi);
  return 0;
}
