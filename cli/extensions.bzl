"""The `kiln` command's standard extensions: every kiln_binary (//:defs.bzl) has these.

Labels of kiln's repository; //:defs.bzl resolves them there (kiln_standard_extensions),
whichever workspace builds the command. A runtime made from the command's snapshot loads
them in this order, each after its dependencies.
"""

KILN_STANDARD_EXTENSIONS = [
    "//ext/compression",
    "//ext/crypto",
    "//ext/encoding",
    "//ext/fetch",
    "//ext/file",
    "//ext/streams",
    "//ext/testing",
    "//ext/timers",
    "//ext/url",
    "//ext/web",
    "//ext/webidl",
    "//ext/worker",
]
