#include "ext/fetch/curl_library.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kiln::fetch {
namespace {

CurlLibrary library;
absl::Status load_status = absl::InternalError("libcurl: not loaded");

template <typename Function>
bool Resolve(void* handle, const char* name, Function* out, std::string* error) {
  *out = reinterpret_cast<Function>(dlsym(handle, name));
  if (*out == nullptr && error->empty()) error->assign(absl::StrCat("dlsym(", name, ") failed"));
  return *out != nullptr;
}

absl::Status Load() {
  void* handle = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = dlerror();
    return absl::UnavailableError(
        absl::StrCat("fetch needs libcurl (libcurl4-openssl-dev's libcurl.so.4): ",
                     reason == nullptr ? "dlopen failed" : reason));
  }
  std::string error;
  Resolve(handle, "curl_global_init", &library.global_init, &error);
  Resolve(handle, "curl_easy_init", &library.easy_init, &error);
  Resolve(handle, "curl_easy_setopt", &library.easy_setopt, &error);
  Resolve(handle, "curl_easy_getinfo", &library.easy_getinfo, &error);
  Resolve(handle, "curl_easy_reset", &library.easy_reset, &error);
  Resolve(handle, "curl_easy_pause", &library.easy_pause, &error);
  Resolve(handle, "curl_easy_cleanup", &library.easy_cleanup, &error);
  Resolve(handle, "curl_easy_strerror", &library.easy_strerror, &error);
  Resolve(handle, "curl_multi_init", &library.multi_init, &error);
  Resolve(handle, "curl_multi_setopt", &library.multi_setopt, &error);
  Resolve(handle, "curl_multi_assign", &library.multi_assign, &error);
  Resolve(handle, "curl_multi_add_handle", &library.multi_add_handle, &error);
  Resolve(handle, "curl_multi_remove_handle", &library.multi_remove_handle, &error);
  Resolve(handle, "curl_multi_socket_action", &library.multi_socket_action, &error);
  Resolve(handle, "curl_multi_info_read", &library.multi_info_read, &error);
  Resolve(handle, "curl_multi_strerror", &library.multi_strerror, &error);
  Resolve(handle, "curl_multi_cleanup", &library.multi_cleanup, &error);
  Resolve(handle, "curl_slist_append", &library.slist_append, &error);
  Resolve(handle, "curl_slist_free_all", &library.slist_free_all, &error);
  if (!error.empty()) return absl::UnavailableError(absl::StrCat("libcurl: ", error));
  CURLcode init = library.global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("curl_global_init failed: ", library.easy_strerror(init)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<const CurlLibrary*> LoadCurl() {
  static std::once_flag once;
  std::call_once(once, [] { load_status = Load(); });
  if (!load_status.ok()) return load_status;
  return &library;
}

const CurlLibrary& Curl() { return library; }

}  // namespace kiln::fetch
