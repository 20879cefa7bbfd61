# The web-platform-tests areas kiln runs: one Bazel test per area (BUILD.bazel) and the
# driver's --area option (run_wpt.py) both read this dict, so an area is added here only.
#
# This file is Starlark and also a Python literal: run_wpt.py evaluates the right-hand side
# with ast.literal_eval. Keep it plain data (strings, lists, dicts; no expressions).
#
#   name:  the Bazel target (//tests/wpt:<name>) and the --area value
#   paths: files or folders under the WPT root (third_party/node_deps/wpt); every
#          `*.any.js` file below a folder is a test file
#   size:  the Bazel test size (its timeout); sized for the ASan build on 2 cores
WPT_AREAS = {
    "console": {
        "paths": ["console"],
        "size": "small",
    },
    "user_timing": {
        "paths": ["user-timing"],
        "size": "small",
    },
    "performance_timeline": {
        "paths": ["performance-timeline"],
        "size": "small",
    },
    "webmessaging": {
        "paths": ["webmessaging"],
        "size": "small",
    },
    "wasm_jsapi": {
        "paths": ["wasm/jsapi"],
        "size": "medium",
    },
    "wasm_webapi": {
        "paths": ["wasm/webapi"],
        "size": "small",
    },
    "dom_abort": {
        "paths": ["dom/abort"],
        "size": "small",
    },
    "dom_events": {
        "paths": ["dom/events"],
        "size": "small",
    },
    "encoding": {
        "paths": ["encoding"],
        "size": "medium",
    },
    "file_api": {
        "paths": ["FileAPI"],
        "size": "medium",
    },
    "hr_time": {
        "paths": ["hr-time"],
        "size": "small",
    },
    "html_atob": {
        "paths": ["html/webappapis/atob"],
        "size": "small",
    },
    "html_microtask_queuing": {
        "paths": ["html/webappapis/microtask-queuing"],
        "size": "small",
    },
    "html_structured_clone": {
        "paths": ["html/webappapis/structured-clone"],
        "size": "small",
    },
    "html_timers": {
        "paths": ["html/webappapis/timers"],
        "size": "small",
    },
    "streams": {
        "paths": ["streams"],
        "size": "medium",
    },
    "url": {
        "paths": ["url"],
        "size": "medium",
    },
    "webcrypto": {
        "paths": [
            "WebCryptoAPI/getRandomValues.any.js",
            "WebCryptoAPI/randomUUID.https.any.js",
            "WebCryptoAPI/digest",
            "WebCryptoAPI/derive_bits_keys",
            "WebCryptoAPI/encrypt_decrypt",
            "WebCryptoAPI/generateKey",
            "WebCryptoAPI/import_export",
            "WebCryptoAPI/sign_verify",
            "WebCryptoAPI/wrapKey_unwrapKey",
            "WebCryptoAPI/idlharness.https.any.js",
        ],
        "size": "large",
    },
    "webidl": {
        "paths": ["webidl"],
        "size": "small",
    },
}
