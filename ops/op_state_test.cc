#include "ops/op_state.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "ops/errors.h"
#include "ops/future.h"

namespace kiln {
namespace {

struct Counter {
  int value = 0;
};

TEST(OpStateTest, PutGetTakeByType) {
  OpState state(nullptr, nullptr, nullptr);
  EXPECT_FALSE(state.Has<Counter>());
  EXPECT_EQ(state.TryGet<Counter>(), nullptr);
  state.Put(Counter{3});
  ASSERT_TRUE(state.Has<Counter>());
  (*state.Get<Counter>())->value += 1;
  EXPECT_EQ(state.TryGet<Counter>()->value, 4);
  state.Put(std::string("text"));  // another type, another slot
  EXPECT_EQ(*state.TryGet<std::string>(), "text");
  absl::StatusOr<Counter> taken = state.Take<Counter>();
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->value, 4);
  EXPECT_FALSE(state.Has<Counter>());
}

TEST(OpStateTest, PutReplaces) {
  OpState state(nullptr, nullptr, nullptr);
  state.Put(Counter{1});
  state.Put(Counter{2});
  EXPECT_EQ(state.TryGet<Counter>()->value, 2);
}

TEST(OpStateTest, MoveOnlyValues) {
  OpState state(nullptr, nullptr, nullptr);
  state.Put(std::make_unique<int>(7));
  EXPECT_EQ(**state.TryGet<std::unique_ptr<int>>(), 7);
  absl::StatusOr<std::unique_ptr<int>> taken = state.Take<std::unique_ptr<int>>();
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(**taken, 7);
}

TEST(OpStateTest, GetOrPutMakesOnlyWhenAbsent) {
  OpState state(nullptr, nullptr, nullptr);
  int made = 0;
  auto make = [&] {
    ++made;
    return std::make_unique<int>(5);
  };
  std::unique_ptr<int>& first = state.GetOrPut<std::unique_ptr<int>>(make);
  std::unique_ptr<int>& second = state.GetOrPut<std::unique_ptr<int>>(make);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(*second, 5);
}

TEST(OpStateTest, AbsentTypeIsAClearError) {
  OpState state(nullptr, nullptr, nullptr);
  absl::StatusOr<Counter*> missing = state.Get<Counter>();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(missing.status().message(), "OpState has no value of type kiln::(anonymous namespace)::Counter");
  EXPECT_FALSE(state.Take<Counter>().ok());
}

}  // namespace
}  // namespace kiln

namespace kiln {
namespace {

struct FirstState {
  std::vector<std::string>* log;
  ~FirstState() { log->push_back("first"); }
};
struct SecondState {
  std::vector<std::string>* log;
  ~SecondState() { log->push_back("second"); }
};
struct UndeclaredState {};

TEST(OpStateTest, ExtensionStatesAreFoundBySlotAndDestroyedInReverseOrder) {
  std::vector<std::string> log;
  {
    OpState state(nullptr, nullptr, nullptr);
    EXPECT_EQ(state.extension_state<FirstState>(), nullptr);
    state.AddExtensionState(ExtensionStateSlot<FirstState>(), new FirstState{&log},
                            [](void* p) { delete static_cast<FirstState*>(p); });
    state.AddExtensionState(ExtensionStateSlot<SecondState>(), new SecondState{&log},
                            [](void* p) { delete static_cast<SecondState*>(p); });
    ASSERT_NE(state.extension_state<FirstState>(), nullptr);
    EXPECT_EQ(state.extension_state<FirstState>()->log, &log);
    EXPECT_EQ(state.extension_state<SecondState>()->log, &log);
    EXPECT_EQ(state.extension_state<UndeclaredState>(), nullptr);
    EXPECT_NE(ExtensionStateSlot<FirstState>(), ExtensionStateSlot<SecondState>());
  }
  EXPECT_EQ(log, (std::vector<std::string>{"second", "first"}));
}

// Outside a runtime nothing registers a pending call: the Completer does nothing.
TEST(OpStateTest, MakeFutureOutsideARuntimeHasNoCompleter) {
  OpState state(nullptr, nullptr, nullptr);
  auto [future, completer] = MakeFuture<int32_t>(state);
  EXPECT_EQ(future.state(), Future<int32_t>::State::kPending);
  EXPECT_FALSE(completer.valid());
  EXPECT_FALSE(completer.Complete(1));
}

}  // namespace
}  // namespace kiln
