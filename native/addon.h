// Per-environment state of the addon (one instance per Node environment: the main thread and
// each Worker get their own, which is what makes the module context-aware).
//
// Ownership: the Addon owns the references to JS constructors it needs (the KafkaError class
// handed over by lib/ at load time, the wrapped classes). It does NOT own producers or mock
// clusters; it only tracks the live ones (raw pointers registered in their constructors and
// removed in their destructors) so the environment cleanup hook can tear them down when a
// Worker or the process ends.
#pragma once

#include <napi.h>
#include <librdkafka/rdkafka.h>

#include <functional>
#include <set>
#include <string>

namespace ironkafka {

// Something holding librdkafka threads that must be stopped before its environment goes away.
class Teardown {
 public:
  virtual ~Teardown() = default;
  // Called on the JS thread during environment cleanup; may block (the env is ending).
  virtual void TeardownNow() = 0;
};

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);

  // Builds an instance of the KafkaError class lib/ registered (a plain Error before that).
  Napi::Error MakeError(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message,
                        bool fatal = false, bool retriable = false, bool abortable = false);
  Napi::Error MakeError(Napi::Env env, const rd_kafka_error_t* error);

  void Track(Teardown* t) { live_.insert(t); }
  void Untrack(Teardown* t) { live_.erase(t); }

  Napi::FunctionReference producerClass;
  Napi::FunctionReference mockClusterClass;

 private:
  Napi::Value SetErrorClass(const Napi::CallbackInfo& info);
  Napi::Value LibrdkafkaVersion(const Napi::CallbackInfo& info);
  Napi::Value ErrorCodes(const Napi::CallbackInfo& info);
  Napi::Value ConfigProperties(const Napi::CallbackInfo& info);
  Napi::Value CheckConfig(const Napi::CallbackInfo& info);
  static void Cleanup(Addon* self);

  Napi::FunctionReference errorClass_;
  std::set<Teardown*> live_;
};

// Runs `destroy` on a detached thread: used when a handle must be destroyed from a context
// that may not block (a GC finalizer). The environment cleanup hook waits, bounded, for such
// threads so they do not race process exit.
void DestroyInBackground(std::function<void()> destroy);
void WaitForBackgroundDestroys(int timeoutMs);

// Reads a JS value that must be a string (TypeError otherwise: never coerce arbitrary values).
std::string RequireString(const Napi::Value& v, const char* what);

}  // namespace ironkafka
