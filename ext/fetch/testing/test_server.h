// Tests only: a small HTTP/1.1 server on 127.0.0.1 for fetch_test.cc, running its own
// libuv loop on its own thread. Routes (README.md in this directory lists them) cover
// status codes, redirects, chunked and sized bodies, compression, slow and broken
// responses; it counts the connections it accepted so tests can check keep-alive reuse.
#ifndef KILN_EXT_FETCH_TESTING_TEST_SERVER_H_
#define KILN_EXT_FETCH_TESTING_TEST_SERVER_H_

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace kiln::fetch::testing {

class TestServer {
 public:
  // Listens on 127.0.0.1 on a free port and serves until destroyed.
  TestServer();
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>"
  std::string origin() const;
  int connections_accepted() const { return connections_accepted_.load(); }
  int requests_served() const { return requests_served_.load(); }

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> connections_accepted_{0};
  std::atomic<int> requests_served_{0};
};

}  // namespace kiln::fetch::testing

#endif  // KILN_EXT_FETCH_TESTING_TEST_SERVER_H_
