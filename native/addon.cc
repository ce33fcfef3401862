// The module: per-environment state, the classes and functions it exports, and the cleanup
// hook that stops every live librdkafka handle when its environment (a Worker, or the main
// thread at exit) goes away, before the state is freed.
#include <napi.h>

#include "common/env.h"
#include "library.h"
#include "mock_cluster.h"
#include "producer.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* state = new ironkafka::EnvState();
  env.SetInstanceData(state);
  env.AddCleanupHook([state] { state->teardown.TeardownAll(10000); });
  ironkafka::DefineLibraryFunctions(env, exports);
  exports.Set("Producer", ironkafka::Producer::Define(env));
  exports.Set("MockCluster", ironkafka::MockCluster::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(ironkafka, Init)
