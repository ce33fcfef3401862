// Builds the KafkaError class lib/ hands over at load time, so errors made in C++ and in
// TypeScript are one class with the same fields.
#pragma once

#include <napi.h>
#include <librdkafka/rdkafka.h>

#include <string>

namespace ironkafka {

class ErrorFactory {
 public:
  void SetClass(Napi::Function ctor) { class_ = Napi::Persistent(ctor); }
  // A KafkaError (a plain Error with `code` before lib/ registered the class).
  Napi::Error Make(Napi::Env env, rd_kafka_resp_err_t code, const std::string& message, bool fatal = false,
                   bool retriable = false, bool abortable = false) const;
  Napi::Error Make(Napi::Env env, const rd_kafka_error_t* error) const;

 private:
  Napi::FunctionReference class_;
};

}  // namespace ironkafka
