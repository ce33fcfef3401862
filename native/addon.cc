#include "addon.h"

#include "mock_cluster.h"
#include "producer.h"
#include "worker.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <memory>
#include <thread>
#include <vector>

namespace ironkafka {

Addon::Addon(Napi::Env env, Napi::Object exports) {
  producerClass = Napi::Persistent(Producer::Define(env));
  mockClusterClass = Napi::Persistent(MockCluster::Define(env));
  DefineAddon(exports, {
      InstanceMethod("setErrorClass", &Addon::SetErrorClass),
      InstanceMethod("librdkafkaVersion", &Addon::LibrdkafkaVersion),
      InstanceMethod("errorCodes", &Addon::ErrorCodes),
      InstanceMethod("configProperties", &Addon::ConfigProperties),
      InstanceMethod("checkConfig", &Addon::CheckConfig),
      InstanceValue("Producer", producerClass.Value()),
      InstanceValue("MockCluster", mockClusterClass.Value()),
  });
  // Runs when this environment (main thread or Worker) shuts down, before instance data is
  // freed: librdkafka threads must not outlive the environment their wake-ups target.
  env.AddCleanupHook(Cleanup, this);
}

void Addon::Cleanup(Addon* self) {
  // TeardownNow() untracks itself, so iterate over a copy.
  std::set<Teardown*> live = self->live_;
  for (Teardown* t : live) t->TeardownNow();
  WaitForBackgroundDestroys(10000);
}

namespace {
std::mutex bgMutex;
std::condition_variable bgDone;
int bgRunning = 0;
}  // namespace

void DestroyInBackground(std::function<void()> destroy) {
  {
    std::lock_guard<std::mutex> lock(bgMutex);
    bgRunning++;
  }
  std::thread([destroy = std::move(destroy)]() mutable {
    destroy();
    destroy = nullptr;  // release captured handles before signalling completion
    std::lock_guard<std::mutex> lock(bgMutex);
    bgRunning--;
    bgDone.notify_all();
  }).detach();
}

void WaitForBackgroundDestroys(int timeoutMs) {
  std::unique_lock<std::mutex> lock(bgMutex);
  bgDone.wait_for(lock, std::chrono::milliseconds(timeoutMs), [] { return bgRunning == 0; });
}

Napi::Value Addon::SetErrorClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) {
    throw Napi::TypeError::New(info.Env(), "setErrorClass expects a constructor");
  }
  errorClass_ = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Value Addon::LibrdkafkaVersion(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("version", Napi::Number::New(info.Env(), rd_kafka_version()));
  o.Set("versionString", Napi::String::New(info.Env(), rd_kafka_version_str()));
  o.Set("features", Napi::String::New(info.Env(), [] {
          // builtin.features is a fact of this build (compiled-in codecs and SASL mechanisms).
          char buf[512];
          size_t size = sizeof(buf);
          ConfPtr conf(rd_kafka_conf_new());
          if (rd_kafka_conf_get(conf.get(), "builtin.features", buf, &size) != RD_KAFKA_CONF_OK)
            return std::string();
          return std::string(buf);
        }()));
  return o;
}

// [[code, name, description], ...] straight from the linked librdkafka, so lib/ never keeps
// a hand-written copy of the error table.
Napi::Value Addon::ErrorCodes(const Napi::CallbackInfo& info) {
  const rd_kafka_err_desc* descs = nullptr;
  size_t n = 0;
  rd_kafka_get_err_descs(&descs, &n);
  Napi::Array out = Napi::Array::New(info.Env());
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!descs[i].name) continue;
    Napi::Array row = Napi::Array::New(info.Env(), 3);
    row.Set(0u, Napi::Number::New(info.Env(), descs[i].code));
    row.Set(1u, Napi::String::New(info.Env(), descs[i].name));
    row.Set(2u, Napi::String::New(info.Env(), descs[i].desc ? descs[i].desc : ""));
    out.Set(k++, row);
  }
  return out;
}

// The property table exactly as the linked librdkafka prints it (rd_kafka_conf_properties_show:
// name | scope | range | default | importance | description). scripts/gen-config.mjs turns it
// into lib/config/librdkafka.generated.ts, and a test checks that file against this output.
Napi::Value Addon::ConfigProperties(const Napi::CallbackInfo& info) {
  // tmpfile() rather than open_memstream(): the show function wants a FILE*, and tmpfile is
  // plain C everywhere.
  std::unique_ptr<FILE, int (*)(FILE*)> fp(std::tmpfile(), &std::fclose);
  if (!fp) throw Napi::Error::New(info.Env(), "tmpfile() failed");
  rd_kafka_conf_properties_show(fp.get());
  std::fflush(fp.get());
  std::rewind(fp.get());
  std::string text;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), fp.get())) > 0) text.append(buf, n);
  return Napi::String::New(info.Env(), text);
}

// checkConfig(pairs: string[]) -> Promise<string | null>
// Asks librdkafka itself whether it accepts a producer config: every rd_kafka_conf_set, then
// rd_kafka_new (where the cross-property rules live), then destroy. Resolves null when
// accepted, else librdkafka's error string. Used by the tests that hold lib/'s validator to
// librdkafka's verdict (and a topic handle, where the topic-level rules live). No broker is contacted unless the pairs name one; rd_kafka_new and
// rd_kafka_destroy run on the worker pool, never on the JS thread.
Napi::Value Addon::CheckConfig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) throw Napi::TypeError::New(env, "pairs must be an array of strings");
  auto arr = info[0].As<Napi::Array>();
  std::vector<std::string> pairs;
  for (uint32_t i = 0; i < arr.Length(); i++) pairs.push_back(RequireString(arr.Get(i), "config"));
  if (pairs.size() % 2) throw Napi::TypeError::New(env, "pairs must have an even length");
  return PromiseWorker<std::string>::Run(
      env, Napi::Object::New(env), "ironkafka.checkConfig",
      [pairs = std::move(pairs)]() -> std::string {
        char errstr[512];
        ConfPtr conf(rd_kafka_conf_new());
        // librdkafka's log lines for this probe are not printed; the last error-level line is
        // kept, because a rejected topic config is reported only through the log.
        // Outlives rk (declared first): librdkafka threads may log until rk is destroyed.
        struct LastError {
          std::mutex mutex;
          std::string line;
        } lastError;
        rd_kafka_conf_set_opaque(conf.get(), &lastError);
        rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t* rk, int level, const char*,
                                                const char* line) {
          if (level > 3) return;
          auto* e = static_cast<LastError*>(rd_kafka_opaque(rk));
          std::lock_guard<std::mutex> lock(e->mutex);
          e->line = line;
        });
        for (size_t i = 0; i < pairs.size(); i += 2) {
          if (rd_kafka_conf_set(conf.get(), pairs[i].c_str(), pairs[i + 1].c_str(), errstr,
                                sizeof(errstr)) != RD_KAFKA_CONF_OK) {
            return errstr;
          }
        }
        KafkaPtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof(errstr)));
        if (!rk) return errstr[0] ? errstr : "rd_kafka_new failed";
        conf.release();  // owned by rk
        // The topic-level rules (acks, queuing.strategy, message.timeout.ms vs linger.ms) are
        // checked when a topic handle is made, as the producer does on its first send.
        TopicPtr topic(rd_kafka_topic_new(rk.get(), "ironkafka-config-probe", nullptr));
        if (!topic) {
          std::lock_guard<std::mutex> lock(lastError.mutex);
          return lastError.line.empty() ? rd_kafka_err2str(rd_kafka_last_error()) : lastError.line;
        }
        return std::string();
      },
      [](Napi::Env env, std::string& err) -> Napi::Value {
        if (err.empty()) return env.Null();
        return Napi::String::New(env, err);
      });
}

Napi::Error Addon::MakeError(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message,
                             bool fatal, bool retriable, bool abortable) {
  const char* name = rd_kafka_err2name(code);
  if (errorClass_.IsEmpty()) {
    Napi::Error e = Napi::Error::New(env, message);
    e.Set("code", Napi::String::New(env, name));
    return e;
  }
  Napi::Object props = Napi::Object::New(env);
  props.Set("code", Napi::String::New(env, name));
  props.Set("errno", Napi::Number::New(env, code));
  props.Set("fatal", Napi::Boolean::New(env, fatal));
  props.Set("retriable", Napi::Boolean::New(env, retriable));
  props.Set("abortable", Napi::Boolean::New(env, abortable));
  Napi::Object err = errorClass_.New({Napi::String::New(env, message), props});
  return Napi::Error(env, err);
}

Napi::Error Addon::MakeError(Napi::Env env, const rd_kafka_error_t* error) {
  return MakeError(env, rd_kafka_error_code(error), rd_kafka_error_string(error),
                   rd_kafka_error_is_fatal(error), rd_kafka_error_is_retriable(error),
                   rd_kafka_error_txn_requires_abort(error));
}

std::string RequireString(const Napi::Value& v, const char* what) {
  if (!v.IsString()) {
    throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a string");
  }
  return v.As<Napi::String>().Utf8Value();
}

}  // namespace ironkafka

// The macro pastes its argument into an identifier, so it needs an unqualified name.
using IronkafkaAddon = ironkafka::Addon;
NODE_API_ADDON(IronkafkaAddon)
