#ifndef KILN_CORE_VERSION_H_
#define KILN_CORE_VERSION_H_

namespace kiln {

inline constexpr char kKilnVersion[] = "0.1.0";

}  // namespace kiln

#endif  // KILN_CORE_VERSION_H_
