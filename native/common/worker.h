// One generic promise worker for the few librdkafka calls that block (flush, destroy,
// mock-cluster teardown, later transactions). The blocking part runs on a libuv pool thread
// and must be bounded by a timeout it is given; the settle part runs on the JS thread.
//
// Ownership: the worker owns whatever the `work` closure captured (typically handles moved
// out of a native object, so their destruction also happens off the JS thread), and holds a
// strong reference to the JS object that started it so that object cannot be collected
// while the call is running.
#pragma once

#include <napi.h>

#include <functional>
#include <utility>

namespace ironkafka {

template <typename Result>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result()>;
  using Settle = std::function<Napi::Value(Napi::Env, Result&)>;

  // Queues `work` and returns the promise that `settle` (or a thrown Napi::Error) decides.
  static Napi::Promise Run(Napi::Env env, Napi::Object keepAlive, const char* name, Work work,
                           Settle settle) {
    auto* w = new PromiseWorker(env, keepAlive, name, std::move(work), std::move(settle));
    auto promise = w->deferred_.Promise();
    w->Queue();
    return promise;
  }

 protected:
  void Execute() override { result_ = work_(); }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Value value;
    try {
      value = settle_(env, result_);
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
      return;
    }
    deferred_.Resolve(value);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  PromiseWorker(Napi::Env env, Napi::Object keepAlive, const char* name, Work work, Settle settle)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        keepAlive_(Napi::Persistent(keepAlive)),
        work_(std::move(work)),
        settle_(std::move(settle)) {}

  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference keepAlive_;
  Work work_;
  Settle settle_;
  Result result_{};
};

}  // namespace ironkafka
