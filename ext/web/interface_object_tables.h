// The op tables of the `interface_object` library, under the name kiln_extension(ops =
// [":interface_object"]) looks them up by (tools/gen_extension.py): one table, without ops,
// whose external references hold ConstructInterfaceObject (interface_object.h).
#ifndef KILN_EXT_WEB_INTERFACE_OBJECT_TABLES_H_
#define KILN_EXT_WEB_INTERFACE_OBJECT_TABLES_H_

#include "ext/web/interface_object.h"

namespace kiln::generated {

inline const kiln::OpTable* const interface_object_tables[] = {&kiln::web::kInterfaceObjectTable};

}  // namespace kiln::generated

#endif  // KILN_EXT_WEB_INTERFACE_OBJECT_TABLES_H_
