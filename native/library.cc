#include "library.h"

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>

#include "common/args.h"
#include "common/env.h"
#include "common/handles.h"
#include "common/worker.h"

namespace ironkafka {

namespace {

// setErrorClass(KafkaError): native code builds real KafkaErrors from here on.
Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "setErrorClass expects a constructor");
  EnvState::Of(info.Env())->errors.SetClass(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

Napi::Value LibrdkafkaVersion(const Napi::CallbackInfo& info) {
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
Napi::Value ErrorCodes(const Napi::CallbackInfo& info) {
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
Napi::Value ConfigProperties(const Napi::CallbackInfo& info) {
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
Napi::Value CheckConfig(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto pairs = RequireStringPairs(info[0], "pairs");
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
        for (const auto& [name, value] : pairs) {
          if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
              RD_KAFKA_CONF_OK) {
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

}  // namespace

void DefineLibraryFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass, "setErrorClass"));
  exports.Set("librdkafkaVersion", Napi::Function::New(env, LibrdkafkaVersion, "librdkafkaVersion"));
  exports.Set("errorCodes", Napi::Function::New(env, ErrorCodes, "errorCodes"));
  exports.Set("configProperties", Napi::Function::New(env, ConfigProperties, "configProperties"));
  exports.Set("checkConfig", Napi::Function::New(env, CheckConfig, "checkConfig"));
}

}  // namespace ironkafka
