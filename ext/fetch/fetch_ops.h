// The fetch extension's ops (README.md): HTTP(S) requests on the runtime's curl multi
// handle (fetch_state.h). ext:fetch/fetch_api.js is their only caller.
#ifndef KILN_EXT_FETCH_FETCH_OPS_H_
#define KILN_EXT_FETCH_FETCH_OPS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ops/op.h"

namespace kiln::fetch {

// Starts an HTTP(S) request; returns the id of its resource (a FetchRequest: closing it
// aborts the request; reading it reads the response body). `headers` is name, value,
// name, value, ... (byte strings); `Accept: */*` is added when none is an Accept. The body is `body` (bytes, owned by the request from
// now on), or, when `streamed_body`, written later with op_stream_write/op_stream_shutdown
// on the same resource (sent chunked on HTTP/1.1), or none.
KILN_OP() absl::StatusOr<kiln::ResourceId> op_fetch_start(kiln::OpState& state,
                                                          std::string method, std::string url,
                                                          std::vector<std::string> headers,
                                                          std::optional<kiln::SharedBytes> body,
                                                          bool streamed_body);

// Resolves when the request's final (non-1xx) header block has been received, with the
// response head as one string (one string crosses into JavaScript, not an object and a
// string per field; ext:fetch/response.js splits the fields when something reads them):
// the status code, the status text ("" for HTTP/2), then each header name and value as
// received, each followed by '\n' (a header line holds none), bytes as code units 0-255:
// "200\nOK\ncontent-type\ntext/plain\n". A network failure rejects with an Error whose
// message is curl's and whose `code` names curl's error (`CURLE_COULDNT_CONNECT`, ...);
// closing the resource meanwhile rejects with Interrupted.
KILN_OP() kiln::Future<std::string> op_fetch_response(kiln::OpState& state,
                                                      kiln::ResourceId rid);

// The whole response body as one Uint8Array (the bytes curl delivers are appended to one
// buffer, sized from Content-Length when there is one, and handed over without a copy).
// For Response.arrayBuffer()/text()/... on a body nothing has read yet.
KILN_OP() kiln::Future<kiln::ByteBuffer> op_fetch_body_all(kiln::OpState& state,
                                                          kiln::ResourceId rid);

// The whole response body, UTF-8 decoded as Response.text() does (a leading BOM dropped,
// invalid sequences replaced with U+FFFD): one string and no Uint8Array in between.
KILN_OP() kiln::Future<std::string> op_fetch_body_text(kiln::OpState& state,
                                                      kiln::ResourceId rid);

// Requests in curl's hands now, requests started, sockets open and the most bytes held for
// an unread body, in this runtime (for tests and diagnostics).
KILN_STRUCT() struct FetchStats {
  double in_flight = 0;
  double requests_started = 0;
  double sockets_open = 0;
  double max_buffered = 0;    // most body bytes a request ever held for an unread body
  double chunks_handed_over = 0;  // body chunks JavaScript took as read ahead, uncopied
};
KILN_OP() FetchStats op_fetch_stats(kiln::OpState& state);

}  // namespace kiln::fetch

#endif  // KILN_EXT_FETCH_FETCH_OPS_H_
