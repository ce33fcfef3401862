#include "mock_cluster.h"

#include <string>
#include <vector>

#include "common/args.h"
#include "common/worker.h"

namespace ironkafka {

namespace {
int32_t Int(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().Int32Value();
}
}  // namespace

Napi::Function MockCluster::Define(Napi::Env env) {
  return DefineClass(env, "NativeMockCluster",
                     {
                         InstanceMethod("bootstraps", &MockCluster::Bootstraps),
                         InstanceMethod("createTopic", &MockCluster::CreateTopic),
                         InstanceMethod("pushRequestErrors", &MockCluster::PushRequestErrors),
                         InstanceMethod("pushBrokerRequestErrors", &MockCluster::PushBrokerRequestErrors),
                         InstanceMethod("setBrokerDown", &MockCluster::SetBrokerDown),
                         InstanceMethod("setBrokerUp", &MockCluster::SetBrokerUp),
                         InstanceMethod("setBrokerRtt", &MockCluster::SetBrokerRtt),
                         InstanceMethod("setPartitionLeader", &MockCluster::SetPartitionLeader),
                         InstanceMethod("setTopicError", &MockCluster::SetTopicError),
                         InstanceMethod("close", &MockCluster::Close),
                     });
}

// new NativeMockCluster(brokerCount)
MockCluster::MockCluster(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<MockCluster>(info), state_(EnvState::Of(info.Env())) {
  Napi::Env env = info.Env();
  int brokers = Int(info, 0, "brokers");
  char errstr[512];
  ConfPtr conf(rd_kafka_conf_new());
  // The host handle only carries the cluster; it never produces, so keep it quiet.
  rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof(errstr));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr));
  if (!rk) throw state_->errors.Make(env, RD_KAFKA_RESP_ERR__FAIL, errstr);
  conf.release();
  h_.rk.reset(rk);
  h_.cluster.reset(rd_kafka_mock_cluster_new(rk, brokers));
  if (!h_.cluster) {
    throw state_->errors.Make(env, RD_KAFKA_RESP_ERR__FAIL, "rd_kafka_mock_cluster_new failed");
  }
  state_->teardown.Track(this);
}

rd_kafka_mock_cluster_t* MockCluster::Cluster(Napi::Env env) {
  if (!h_.cluster) throw state_->errors.Make(env, RD_KAFKA_RESP_ERR__DESTROY, "mock cluster is closed");
  return h_.cluster.get();
}

Napi::Value MockCluster::Bootstraps(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), rd_kafka_mock_cluster_bootstraps(Cluster(info.Env())));
}

// The remaining methods return librdkafka's error code (0 = ok); lib/ turns codes into errors.

// createTopic(name, partitions, replicationFactor)
Napi::Value MockCluster::CreateTopic(const Napi::CallbackInfo& info) {
  auto* mc = Cluster(info.Env());
  std::string name = RequireString(info[0], "topic");
  return Napi::Number::New(info.Env(), rd_kafka_mock_topic_create(mc, name.c_str(), Int(info, 1, "partitions"),
                                                                  Int(info, 2, "replicationFactor")));
}

// pushRequestErrors(apiKey, codes[]): the next requests of that API (to any broker) fail.
Napi::Value MockCluster::PushRequestErrors(const Napi::CallbackInfo& info) {
  auto* mc = Cluster(info.Env());
  int16_t api = static_cast<int16_t>(Int(info, 0, "apiKey"));
  if (!info[1].IsArray()) throw Napi::TypeError::New(info.Env(), "codes must be an array");
  auto list = info[1].As<Napi::Array>();
  std::vector<rd_kafka_resp_err_t> codes;
  for (uint32_t i = 0; i < list.Length(); i++) {
    codes.push_back(static_cast<rd_kafka_resp_err_t>(list.Get(i).As<Napi::Number>().Int32Value()));
  }
  rd_kafka_mock_push_request_errors_array(mc, api, codes.size(), codes.data());
  return Napi::Number::New(info.Env(), 0);
}

// pushBrokerRequestErrors(brokerId, apiKey, [code, rttMs, code, rttMs, ...])
Napi::Value MockCluster::PushBrokerRequestErrors(const Napi::CallbackInfo& info) {
  auto* mc = Cluster(info.Env());
  int32_t broker = Int(info, 0, "brokerId");
  int16_t api = static_cast<int16_t>(Int(info, 1, "apiKey"));
  if (!info[2].IsArray()) throw Napi::TypeError::New(info.Env(), "errors must be an array");
  auto list = info[2].As<Napi::Array>();
  // The C API is variadic; pushing one (code, rtt) pair per call appends in the same order.
  for (uint32_t i = 0; i + 1 < list.Length(); i += 2) {
    auto code = static_cast<rd_kafka_resp_err_t>(list.Get(i).As<Napi::Number>().Int32Value());
    int rtt = list.Get(i + 1).As<Napi::Number>().Int32Value();
    rd_kafka_resp_err_t err = rd_kafka_mock_broker_push_request_error_rtts(mc, broker, api, 1, code, rtt);
    if (err) return Napi::Number::New(info.Env(), err);
  }
  return Napi::Number::New(info.Env(), 0);
}

Napi::Value MockCluster::SetBrokerDown(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rd_kafka_mock_broker_set_down(Cluster(info.Env()), Int(info, 0, "brokerId")));
}

Napi::Value MockCluster::SetBrokerUp(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rd_kafka_mock_broker_set_up(Cluster(info.Env()), Int(info, 0, "brokerId")));
}

Napi::Value MockCluster::SetBrokerRtt(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), rd_kafka_mock_broker_set_rtt(Cluster(info.Env()), Int(info, 0, "brokerId"),
                                                                    Int(info, 1, "rttMs")));
}

// setPartitionLeader(topic, partition, brokerId)
Napi::Value MockCluster::SetPartitionLeader(const Napi::CallbackInfo& info) {
  auto* mc = Cluster(info.Env());
  std::string topic = RequireString(info[0], "topic");
  return Napi::Number::New(info.Env(), rd_kafka_mock_partition_set_leader(mc, topic.c_str(), Int(info, 1, "partition"),
                                                                          Int(info, 2, "brokerId")));
}

// setTopicError(topic, code)
Napi::Value MockCluster::SetTopicError(const Napi::CallbackInfo& info) {
  auto* mc = Cluster(info.Env());
  std::string topic = RequireString(info[0], "topic");
  rd_kafka_mock_topic_set_error(mc, topic.c_str(), static_cast<rd_kafka_resp_err_t>(Int(info, 1, "code")));
  return Napi::Number::New(info.Env(), 0);
}

// close() -> Promise<void>: the mock's broker threads are joined off the JS thread.
Napi::Value MockCluster::Close(const Napi::CallbackInfo& info) {
  state_->teardown.Untrack(this);
  auto handles = std::make_shared<MockHandles>(std::move(h_));
  return PromiseWorker<bool>::Run(
      info.Env(), Value(), "ironkafka.mock.destroy",
      [handles]() mutable {
        handles.reset();
        return true;
      },
      [](Napi::Env env, bool&) { return env.Undefined(); });
}

void MockCluster::TeardownNow() {
  state_->teardown.Untrack(this);
  h_.Reset();
}

MockCluster::~MockCluster() {
  state_->teardown.Untrack(this);
  if (!h_.rk) return;
  auto handles = std::make_shared<MockHandles>(std::move(h_));
  DestroyInBackground([handles]() mutable { handles.reset(); });
}

}  // namespace ironkafka
