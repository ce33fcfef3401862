// Module-level functions about the linked librdkafka: its version and features, its error
// table, its configuration properties, and its verdict on a config.
#pragma once

#include <napi.h>

namespace ironkafka {

void DefineLibraryFunctions(Napi::Env env, Napi::Object exports);

}  // namespace ironkafka
