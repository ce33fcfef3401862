// The client core that producer, consumer and admin client share: one rd_kafka_t, its main
// queue, the one wake-up path, the conversion of non-message events (errors, stats, logs),
// keep-alive (ref/unref), the calls that block (on the promise worker, each bounded by the
// timeout lib/ gives it), and the lifecycle: close on the worker, teardown in place at
// environment cleanup, destroy on a background thread when collected without close().
//
// Threading: librdkafka's threads only ever touch the Wake (queue became non-empty -> one
// coalesced non-blocking thread-safe-function call, which calls `onwake` of the JS object on
// the JS thread). Everything else runs on the JS thread, except the blocking calls.
#pragma once

#include <napi.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/env.h"
#include "common/handles.h"
#include "common/worker.h"

namespace ironkafka {

// What librdkafka's broker threads say about their connections, for lib/ to read on the JS
// thread: how many brokers are up now, and how many connection attempts ended in the TLS
// handshake, the first request or SASL authentication (reached the broker, never came up). librdkafka reports a refused certificate or credential
// as an error event only once per 30 s per broker; these counts see every attempt, and
// whether a broker got through. Fed by an on_broker_state_change interceptor (broker
// threads, under the broker's lock: nothing here calls librdkafka or blocks).
struct BrokerStates {
  std::atomic<int> up{0};
  std::atomic<uint32_t> handshakeFailures{0};
  std::atomic<uint32_t> everUp{0};  // transitions to UP since the client was created

  static rd_kafka_resp_err_t OnNew(rd_kafka_t* rk, const rd_kafka_conf_t*, void* opaque, char*, size_t);
  static rd_kafka_resp_err_t OnStateChange(rd_kafka_t*, int32_t id, const char*, const char* name, int port,
                                           const char* state, void* opaque);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::string> last_;  // "id/name:port" -> state name
};

// All librdkafka handles of one client, so they can move as one to whoever destroys them.
// Declaration order matters: members are destroyed in reverse, and the event, topics and
// queue all reference rk. Move assignment is deleted because it would release them in
// declaration order (rk first: a use-after-free AddressSanitizer caught); Reset() is the
// in-place release.
struct ClientHandles {
  std::shared_ptr<BrokerStates> brokers;  // the interceptor's opaque: outlives rk
  KafkaPtr rk;
  QueuePtr queue;
  std::vector<TopicPtr> topics;
  EventPtr cur;  // an event only partly copied out by a drain

  ClientHandles() = default;
  ClientHandles(ClientHandles&&) = default;
  ClientHandles& operator=(ClientHandles&&) = delete;
  ~ClientHandles() { Reset(); }
  void Reset() {
    cur.reset();
    topics.clear();
    queue.reset();
    rk.reset();
    brokers.reset();
  }
};

struct Wake {
  static void CallJs(Napi::Env env, Napi::Function, Wake* wake, void*);
  using Tsfn = Napi::TypedThreadSafeFunction<Wake, void, CallJs>;

  std::atomic<bool> signalled{false};
  Napi::ObjectReference owner;  // weak; reset on the JS thread only
  Tsfn tsfn;
};

class Client : public Teardown {
 public:
  // Creates the rd_kafka_t from validated config pairs, with `events` on its main queue, and
  // starts wake-ups to `self.onwake` (unref'd: an idle client never holds the process open).
  // With `tokenProvider`, OAUTHBEARER token refreshes come to lib/ as events (lib/ calls the
  // user's provider and hands the token back through SetToken); without it librdkafka's own
  // token sources (unsecured test tokens, OIDC) refresh on its background thread.
  Client(Napi::Env env, Napi::Object self, const Napi::Value& configPairs, rd_kafka_type_t type, int events,
         bool tokenProvider);
  ~Client() override;
  void TeardownNow() override;

  // The handle; throws a KafkaError _DESTROY once closed.
  rd_kafka_t* Handle(Napi::Env env) const;
  rd_kafka_t* rk() const { return h_.rk.get(); }
  ClientHandles& handles() { return h_; }
  const ErrorFactory& errors() const { return state_->errors; }

  // An error, stats or log event as the plain object lib/ reads; empty for other types.
  static Napi::Value EventObject(Napi::Env env, rd_kafka_event_t* ev);

  void Ref(Napi::Env env);
  void Unref(Napi::Env env);
  Napi::Value FatalError(Napi::Env env) const;
  // [brokers up now, connection attempts ended in the TLS handshake or SASL authentication,
  //  times a broker connection came up since the client was created]
  Napi::Value BrokerStateCounts(Napi::Env env) const;
  Napi::Promise Metadata(Napi::Env env, Napi::Object self, int timeoutMs);
  // rd_kafka_oauthbearer_set_token; null, or librdkafka's reason the token was refused.
  Napi::Value SetToken(const Napi::CallbackInfo& info);
  // rd_kafka_oauthbearer_set_token_failure: librdkafka retries the refresh later.
  Napi::Value SetTokenFailure(const Napi::CallbackInfo& info);
  // rd_kafka_sasl_set_credentials (PLAIN, SCRAM): used from the next authentication on;
  // null, or librdkafka's reason.
  Napi::Value SetCredentials(const Napi::CallbackInfo& info);

  // Runs `work(rk)` on the promise worker; close and teardown wait for it to return, so it
  // must be bounded by the timeout lib/ gave it.
  template <typename Result>
  Napi::Promise RunBlocking(Napi::Env env, Napi::Object self, const char* name, std::function<Result(rd_kafka_t*)> work,
                            typename PromiseWorker<Result>::Settle settle) {
    rd_kafka_t* rk = Handle(env);
    blockingCalls_++;
    return PromiseWorker<Result>::Run(
        env, self, name,
        [rk, work = std::move(work), this] {
          Result r = work(rk);
          blockingCalls_--;
          return r;
        },
        std::move(settle));
  }

  // Stops wake-ups and destroys the handles on the worker, once running blocking calls return.
  Napi::Promise Close(Napi::Env env, Napi::Object self);

 private:
  static void OnQueueNonEmpty(rd_kafka_t* rk, void* opaque);
  void StopWakeups();

  EnvState* state_;
  Wake* wake_ = nullptr;
  std::atomic<int> blockingCalls_{0};
  ClientHandles h_;
};

}  // namespace ironkafka
