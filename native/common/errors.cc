#include "errors.h"

namespace ironkafka {

Napi::Error ErrorFactory::Make(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message, bool fatal,
                               bool retriable, bool abortable) const {
  const char* name = rd_kafka_err2name(code);
  if (class_.IsEmpty()) {
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
  Napi::Object err = class_.New({Napi::String::New(env, message), props});
  return Napi::Error(env, err);
}

Napi::Error ErrorFactory::Make(Napi::Env env, const rd_kafka_error_t* error) const {
  return Make(env, rd_kafka_error_code(error), rd_kafka_error_string(error), rd_kafka_error_is_fatal(error),
              rd_kafka_error_is_retriable(error), rd_kafka_error_txn_requires_abort(error));
}

}  // namespace ironkafka
