// Per-environment state of the addon: the main thread and each Worker get their own, which
// is what makes the module context-aware. It owns the KafkaError class reference and the
// registry of live native objects; it owns no client (each JS object owns its own).
#pragma once

#include <napi.h>

#include "errors.h"
#include "teardown.h"

namespace ironkafka {

struct EnvState {
  ErrorFactory errors;
  TeardownRegistry teardown;

  static EnvState* Of(Napi::Env env) { return env.GetInstanceData<EnvState>(); }
};

}  // namespace ironkafka
