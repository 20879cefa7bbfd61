// libcurl, loaded on first use. Linked as a shared library, libcurl and the ~25 libraries it
// needs (GnuTLS, Kerberos, LDAP, libssh2, ...) would be loaded and relocated at every start
// of every program that links the fetch extension, fetch or not: about 20 ms of the `kiln`
// command's cold start. dlopen with RTLD_LOCAL on the first request keeps them out of
// programs that never fetch and out of the global symbol scope.
#ifndef KILN_EXT_FETCH_CURL_LIBRARY_H_
#define KILN_EXT_FETCH_CURL_LIBRARY_H_

#include <curl/curl.h>

#include "absl/status/statusor.h"

namespace kiln::fetch {

// The libcurl functions the fetch extension calls, as pointers into the loaded library.
// Named as in curl.h without the `curl_` prefix: Curl().easy_setopt(...).
struct CurlLibrary {
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_pause) easy_pause;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_assign) multi_assign;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_socket_action) multi_socket_action;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_strerror) multi_strerror;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
};

// Loads libcurl.so.4 and runs curl_global_init, once per process (thread-safe). The
// error names what failed (dlopen's or dlsym's message). Never unloaded.
absl::StatusOr<const CurlLibrary*> LoadCurl();

// The loaded library: only after LoadCurl() succeeded (every curl handle comes from it).
const CurlLibrary& Curl();

}  // namespace kiln::fetch

#endif  // KILN_EXT_FETCH_CURL_LIBRARY_H_
