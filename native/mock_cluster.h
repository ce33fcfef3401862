// librdkafka's in-process mock cluster (rdkafka_mock.h), mapped one call to one method.
// It serves real Kafka protocol on loopback ports, so any client (ours, kcat) can use it.
//
// Ownership: the MockCluster owns a private rd_kafka_t (the mock cluster needs a handle to
// live in) and the cluster itself; the cluster is destroyed before its handle. close() moves
// both to the promise worker; env teardown destroys them in place; collection without
// close() destroys them on a background thread.
#pragma once

#include <napi.h>

#include <memory>

#include "common/env.h"
#include "common/handles.h"

namespace ironkafka {

// Move assignment is deleted for the reason given at ProducerHandles; Reset() releases in
// place, the cluster before the rk it was created from.
struct MockHandles {
  KafkaPtr rk;             // destroyed last
  MockClusterPtr cluster;  // destroyed first

  MockHandles() = default;
  MockHandles(MockHandles&&) = default;
  MockHandles& operator=(MockHandles&&) = delete;
  ~MockHandles() { Reset(); }
  void Reset() {
    cluster.reset();
    rk.reset();
  }
};

class MockCluster : public Napi::ObjectWrap<MockCluster>, public Teardown {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit MockCluster(const Napi::CallbackInfo& info);
  ~MockCluster() override;
  void TeardownNow() override;

 private:
  rd_kafka_mock_cluster_t* Cluster(Napi::Env env);
  Napi::Value Bootstraps(const Napi::CallbackInfo& info);
  Napi::Value CreateTopic(const Napi::CallbackInfo& info);
  Napi::Value PushRequestErrors(const Napi::CallbackInfo& info);
  Napi::Value PushBrokerRequestErrors(const Napi::CallbackInfo& info);
  Napi::Value SetBrokerDown(const Napi::CallbackInfo& info);
  Napi::Value SetBrokerUp(const Napi::CallbackInfo& info);
  Napi::Value SetBrokerRtt(const Napi::CallbackInfo& info);
  Napi::Value SetPartitionLeader(const Napi::CallbackInfo& info);
  Napi::Value SetTopicError(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  EnvState* state_;
  MockHandles h_;
};

}  // namespace ironkafka
