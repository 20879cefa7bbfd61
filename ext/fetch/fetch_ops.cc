#include "ext/fetch/fetch_ops.h"

#include <memory>
#include <utility>

#include "ext/fetch/fetch_state.h"

namespace kiln::fetch {

absl::StatusOr<ResourceId> op_fetch_start(OpState& state, std::string method, std::string url,
                                          std::vector<std::string> headers,
                                          std::optional<SharedBytes> body, bool streamed_body) {
  FetchState* fetch = state.extension_state<FetchState>();
  auto request = std::make_unique<FetchRequest>(fetch, std::move(body), streamed_body);
  if (absl::Status configured = request->Configure(method, url, headers); !configured.ok()) {
    return configured;
  }
  if (absl::Status added = fetch->Add(request.get()); !added.ok()) return added;
  request->OnStarted();
  ResourceId rid = state.resources().Add(std::move(request));
  fetch->Kick();
  return rid;
}

Future<std::string> op_fetch_response(OpState& state, ResourceId rid) {
  absl::StatusOr<FetchRequest*> request = state.resources().Get<FetchRequest>(rid);
  if (!request.ok()) return request.status();
  return (*request)->Head(state);
}

Future<ByteBuffer> op_fetch_body_all(OpState& state, ResourceId rid) {
  absl::StatusOr<FetchRequest*> request = state.resources().Get<FetchRequest>(rid);
  if (!request.ok()) return request.status();
  return (*request)->ReadAll(state);
}

Future<std::string> op_fetch_body_text(OpState& state, ResourceId rid) {
  absl::StatusOr<FetchRequest*> request = state.resources().Get<FetchRequest>(rid);
  if (!request.ok()) return request.status();
  return (*request)->ReadAllText(state);
}

FetchStats op_fetch_stats(OpState& state) { return state.extension_state<FetchState>()->stats(); }

}  // namespace kiln::fetch
