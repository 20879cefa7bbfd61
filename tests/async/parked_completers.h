#ifndef KILN_TESTS_ASYNC_PARKED_COMPLETERS_H_
#define KILN_TESTS_ASYNC_PARKED_COMPLETERS_H_

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "ops/future.h"
#include "ops/op_state.h"

namespace kiln::async_test {

// Completers of op_park calls, for the test to complete from C++ (any thread).
class ParkedCompleters {
 public:
  static ParkedCompleters& Of(OpState& state) {
    return *state.GetOrPut<std::shared_ptr<ParkedCompleters>>(
        [] { return std::make_shared<ParkedCompleters>(); });
  }
  void Park(Completer<int32_t> completer) {
    std::lock_guard<std::mutex> lock(mutex_);
    parked_.push_back(std::move(completer));
  }
  std::vector<Completer<int32_t>> TakeAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Completer<int32_t>> taken;
    taken.swap(parked_);
    return taken;
  }

 private:
  std::mutex mutex_;
  std::vector<Completer<int32_t>> parked_;
};

}  // namespace kiln::async_test

#endif  // KILN_TESTS_ASYNC_PARKED_COMPLETERS_H_
