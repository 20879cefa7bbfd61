// An empty program that links libnode.so.108 (and so V8) without calling into it: the
// dynamic loader's share of kiln's start-up. The reference keeps the library linked.
#include "v8.h"

int main(int argc, char**) { return argc > 100 ? v8::V8::GetVersion()[0] : 0; }
