// Native side of a producer: a mechanical map of librdkafka's producer C API.
//
// No policy lives here (no validation beyond what protects memory, no retries, no state
// machine, no promises per message): lib/producer.ts decides everything and calls in with
// plain, already-validated values.
//
// Threading: librdkafka's threads only ever touch `Wake` (queue became non-empty ->
// one coalesced non-blocking thread-safe-function call). Everything else runs on the JS
// thread, except rd_kafka_flush / rd_kafka_destroy, which run on the generic PromiseWorker.
//
// Ownership:
//  - the Producer owns rk_, queue_, topics_ and cur_ (RAII, see handles.h); close() moves them
//    into the destroy worker, the env cleanup hook destroys them in place, and a producer
//    collected without close() hands them to a detached thread (never blocking the JS thread);
//  - the Wake state is owned by the thread-safe function and freed in its finalizer, so a
//    late wake-up never reaches a freed Producer;
//  - the report and args buffers are Float64Arrays owned by JS; we hold references to them
//    for our lifetime.
#pragma once

#include <napi.h>

#include <atomic>
#include <memory>
#include <vector>

#include "addon.h"
#include "handles.h"

namespace ironkafka {

class Producer;

// Columns of one delivery-report row in the shared Float64Array (all values fit a double:
// offsets < 2^53, ids are JS-assigned integers).
enum ReportColumn : uint32_t {
  kReportId = 0,
  kReportPartition,
  kReportOffset,
  kReportTimestamp,
  kReportError,
  kReportStatus,
  kReportStride
};

// produce()'s numeric arguments, in the Float64Array `args` shared with JS.
enum ProduceArg : uint32_t { kArgTopic = 0, kArgPartition, kArgTimestamp, kArgId, kProduceArgCount };

// Columns of one record row of produceMany(): the numbers of a record whose key and value
// bytes lie one after the other in the arena Buffer (a length of -1 means null). kRowError
// is written back: the record's produce result.
enum ManyColumn : uint32_t {
  kRowTopic = 0,
  kRowPartition,
  kRowTimestamp,
  kRowId,
  kRowKeyLen,
  kRowValueLen,
  kRowError,
  kRowStride
};

struct Wake {
  static void CallJs(Napi::Env env, Napi::Function, Wake* wake, void*);
  using Tsfn = Napi::TypedThreadSafeFunction<Wake, void, CallJs>;

  std::atomic<bool> signalled{false};
  Producer* owner = nullptr;  // read and cleared on the JS thread only
  Tsfn tsfn;
};

// All librdkafka handles of one producer, so they can move as one to whoever destroys them.
// Declaration order matters: members are destroyed in reverse, and the event, topics and
// queue all reference rk. Move assignment is deleted because it would release them in
// declaration order (rk first: a use-after-free AddressSanitizer caught); Reset() is the
// in-place release.
struct ProducerHandles {
  KafkaPtr rk;
  QueuePtr queue;
  std::vector<TopicPtr> topics;
  EventPtr cur;  // a delivery-report event only partly copied out by Drain

  ProducerHandles() = default;
  ProducerHandles(ProducerHandles&&) = default;
  ProducerHandles& operator=(ProducerHandles&&) = delete;
  ~ProducerHandles() { Reset(); }
  void Reset() {
    cur.reset();
    topics.clear();
    queue.reset();
    rk.reset();
  }
};

class Producer : public Napi::ObjectWrap<Producer>, public Teardown {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Producer(const Napi::CallbackInfo& info);
  ~Producer() override;
  void TeardownNow() override;

 private:
  friend struct Wake;
  static void OnQueueNonEmpty(rd_kafka_t* rk, void* opaque);

  Napi::Value Topic(const Napi::CallbackInfo& info);
  Napi::Value Produce(const Napi::CallbackInfo& info);
  Napi::Value ProduceMany(const Napi::CallbackInfo& info);
  Napi::Value Drain(const Napi::CallbackInfo& info);
  Napi::Value Flush(const Napi::CallbackInfo& info);
  Napi::Value Metadata(const Napi::CallbackInfo& info);
  Napi::Value Purge(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);
  Napi::Value OutqLen(const Napi::CallbackInfo& info);
  Napi::Value FatalError(const Napi::CallbackInfo& info);
  Napi::Value TestFatalError(const Napi::CallbackInfo& info);
  Napi::Value Name(const Napi::CallbackInfo& info);

  rd_kafka_t* Handle(Napi::Env env);  // throws once closed
  void StopWakeups();
  std::shared_ptr<ProducerHandles> TakeHandles() {
    return std::make_shared<ProducerHandles>(std::move(h_));
  }

  Addon* addon_;
  Wake* wake_ = nullptr;
  Napi::Reference<Napi::Float64Array> reportRef_;
  double* report_ = nullptr;
  Napi::Reference<Napi::Float64Array> argsRef_;
  double* args_ = nullptr;
  uint32_t reportRows_ = 0;
  std::atomic<int> blockingCalls_{0};

  ProducerHandles h_;
};

}  // namespace ironkafka
